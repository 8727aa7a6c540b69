# The LoanGraph image for docker-compose.yml: everything is installed here, at build time; a container
# only starts the dashboard (or a dask scheduler/worker), it installs nothing.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 \
    HF_HUB_OFFLINE=1 RAGAS_DO_NOT_TRACK=true
WORKDIR /app

# The dependencies first, in their own layer (rebuilt only when the pins change). torch first, as the
# Makefile does: the CPU build of 2.13.0 (see STACK_NOTES; point pip at the CPU wheel if your index
# would give a CUDA one). `scale` brings dask for the scheduler and worker services.
ARG EXTRAS=scale
COPY requirements.txt constraints.txt pyproject.toml ./
RUN pip install torch==2.13.0 \
    && pip install -r requirements.txt -c constraints.txt \
    && pip install ".[${EXTRAS}]" -c constraints.txt \
    && rm -rf build *.egg-info

COPY . .
# .data exists in the image so that a new named volume mounted there belongs to the app's user
RUN useradd --create-home --uid 10001 loangraph && mkdir -p /app/.data && chown -R loangraph /app
USER loangraph

EXPOSE 8501
CMD ["python", "-m", "dashboard.serve"]
