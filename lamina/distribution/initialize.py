"""`initialize`: join a multi-process (multi-host) JAX job, over `jax.distributed`."""

import os

import jax

# A process that stops answering is declared dead after this many seconds (JAX's default is
# 100); the others then fail with an error instead of waiting forever.
HEARTBEAT_TIMEOUT_ENV = "LAMINA_DISTRIBUTION_HEARTBEAT_TIMEOUT"
INIT_TIMEOUT_ENV = "LAMINA_DISTRIBUTION_INIT_TIMEOUT"


def initialize(job_addresses=None, num_processes=None, process_id=None):
    """Connect this process to the others of a job.

    Args:
        job_addresses: "host:port" of every process, comma separated (the first one is the
            coordinator), or just the coordinator's; default env
            KERAS_DISTRIBUTION_JOB_ADDRESSES.
        num_processes: default env KERAS_DISTRIBUTION_NUM_PROCESSES.
        process_id: this process's rank, 0..num_processes-1; default env
            KERAS_DISTRIBUTION_PROCESS_ID.

    A dead peer is detected within LAMINA_DISTRIBUTION_HEARTBEAT_TIMEOUT seconds (default
    30); joining waits at most LAMINA_DISTRIBUTION_INIT_TIMEOUT seconds (default 300).
    With nothing given, JAX detects the cluster itself (SLURM, TPU pods, ...).
    """
    env = os.environ
    if job_addresses is None and "KERAS_DISTRIBUTION_JOB_ADDRESSES" in env:
        job_addresses = env["KERAS_DISTRIBUTION_JOB_ADDRESSES"]
    if num_processes is None and "KERAS_DISTRIBUTION_NUM_PROCESSES" in env:
        num_processes = int(env["KERAS_DISTRIBUTION_NUM_PROCESSES"])
    if process_id is None and "KERAS_DISTRIBUTION_PROCESS_ID" in env:
        process_id = int(env["KERAS_DISTRIBUTION_PROCESS_ID"])
    coordinator = job_addresses.split(",")[0].strip() if job_addresses else None
    # CPU devices of different processes talk through gloo (GPUs use NCCL regardless).
    jax.config.update("jax_cpu_collectives_implementation", "gloo")
    jax.distributed.initialize(
        coordinator_address=coordinator, num_processes=num_processes, process_id=process_id,
        heartbeat_timeout_seconds=int(env.get(HEARTBEAT_TIMEOUT_ENV, 30)),
        initialization_timeout=int(env.get(INIT_TIMEOUT_ENV, 300)))
