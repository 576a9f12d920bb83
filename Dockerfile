# kgrec's image for docker-compose.yml: the same set-up script as a developer machine.
FROM python:3.11-slim
WORKDIR /app
COPY . /app
RUN bash scripts/setup.sh
ENTRYPOINT ["/app/.venv/bin/kgrec"]
CMD ["demo"]
