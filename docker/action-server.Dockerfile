# The official action server image plus the one library Viva's actions need that rasa-sdk does
# not ship (`requests`, dialogue/actions/api.py: the internal study API's client). The actions
# and the keyed launcher are mounted from dialogue/ (docker-compose.yml), not copied.
FROM rasa/rasa-sdk:3.6.2
USER root
RUN pip install --no-cache-dir "requests==2.34.2"
USER 1001
