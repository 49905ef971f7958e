-- Run once by the official postgres image on an empty data volume (docker-entrypoint-initdb.d):
-- the study store is POSTGRES_DB (viva); Rasa's tracker store gets a database of its own.
CREATE DATABASE rasa OWNER viva;
