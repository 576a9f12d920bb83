"""A real Neo4j 5.26 Community server on 127.0.0.1, without Docker, for development and CI.

Neo4j is not on PyPI or apt, but Maven Central carries it: ``fetch`` asks Maven for
``org.neo4j:neo4j`` and its runtime dependencies (cached in ``$KGREC_CACHE/neo4j/<version>``,
outside any clone, so re-runs are fast); ``start`` writes a ``neo4j.conf`` bound to
127.0.0.1, sets the initial password, launches ``org.neo4j.server.CommunityEntryPoint`` with
Java 17+ and waits until Bolt answers; ``stop`` sends SIGTERM and waits. Used by
``kgrec neo4j start|stop|status``, by the test suite and by ``.ci/run``.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from kgrec.errors import StoreError

NEO4J_VERSION = "5.26.30"
DEFAULT_PASSWORD = "kgrec-dev-password"
_JVM_OPENS = [
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
]
_POM = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>kgrec</groupId><artifactId>neo4j-server</artifactId><version>1</version>
  <dependencies>
    <dependency><groupId>org.neo4j</groupId><artifactId>neo4j</artifactId>
      <version>{version}</version></dependency>
  </dependencies>
</project>
"""


def cache_dir() -> Path:
    """``$KGREC_CACHE`` or ``~/.cache/kgrec``."""
    return Path(os.environ.get("KGREC_CACHE", Path.home() / ".cache" / "kgrec")).expanduser()


def default_home() -> Path:
    """Where the dev server keeps its conf, data and logs: ``$KGREC_NEO4J_HOME`` or the cache."""
    return Path(os.environ.get("KGREC_NEO4J_HOME", cache_dir() / "neo4j-server")).expanduser()


@dataclass(frozen=True)
class ServerInfo:
    """A started server: where it listens and how to log in."""

    home: str
    pid: int
    port: int
    uri: str
    username: str
    password: str
    version: str

    def env(self) -> dict[str, str]:
        """The NEO4J_* variables a client (kgrec, tests) needs to reach this server."""
        return {
            "NEO4J_URI": self.uri,
            "NEO4J_USERNAME": self.username,
            "NEO4J_PASSWORD": self.password,
        }


def fetch(version: str = NEO4J_VERSION, quiet: bool = True) -> Path:
    """Download Neo4j's jars from Maven Central once; return the folder holding them."""
    lib = cache_dir() / "neo4j" / version / "lib"
    if (lib / ".complete").exists():
        return lib
    mvn = shutil.which("mvn")
    if mvn is None:
        raise StoreError(
            "Maven (mvn) is needed to fetch Neo4j from Maven Central: install it "
            "(apt-get install maven), or point NEO4J_URI at a running Neo4j"
        )
    work = lib.parent
    work.mkdir(parents=True, exist_ok=True)
    (work / "pom.xml").write_text(_POM.format(version=version))
    cmd = [
        mvn,
        "-B",
        *(["-q"] if quiet else []),
        "-f",
        str(work / "pom.xml"),
        "org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy-dependencies",
        "-DincludeScope=runtime",
        f"-DoutputDirectory={lib}",
    ]
    done = subprocess.run(cmd, capture_output=quiet, text=True, check=False)
    if done.returncode != 0:
        raise StoreError(
            f"fetching Neo4j {version} with Maven failed:\n{(done.stdout or '')[-2000:]}"
        )
    (lib / ".complete").write_text(version)
    return lib


def java_binary() -> str:
    """A Java 17 or 21 (Neo4j 5.26's supported runtimes): ``$KGREC_JAVA``, JAVA_HOME, PATH."""
    candidates = [os.environ.get("KGREC_JAVA")]
    if os.environ.get("JAVA_HOME"):
        candidates.append(str(Path(os.environ["JAVA_HOME"]) / "bin" / "java"))
    candidates += [str(p / "bin" / "java") for p in sorted(Path("/usr/lib/jvm").glob("*-17-*"))]
    candidates += [str(p / "bin" / "java") for p in sorted(Path("/usr/lib/jvm").glob("*-21-*"))]
    candidates.append(shutil.which("java"))
    for c in candidates:
        if c and Path(c).exists():
            return c
    raise StoreError("no Java found: Neo4j 5.26 needs Java 17 or 21 (set KGREC_JAVA)")


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _conf(home: Path, port: int) -> str:
    dirs = {k: home / k for k in ("data", "logs", "run", "plugins", "import")}
    lines = [f"server.directories.{k}={v}" for k, v in dirs.items()]
    lines += [
        "server.default_listen_address=127.0.0.1",
        f"server.bolt.listen_address=127.0.0.1:{port}",
        f"server.bolt.advertised_address=127.0.0.1:{port}",
        "server.http.enabled=false",
        "server.https.enabled=false",
        "dbms.security.auth_enabled=true",
        "server.memory.pagecache.size=128m",
        "dbms.memory.transaction.total.max=512m",
        "dbms.usage_report.enabled=false",
    ]
    return "\n".join(lines) + "\n"


def _state_file(home: Path) -> Path:
    return home / "kgrec-server.json"


def status(home: Path | None = None) -> ServerInfo | None:
    """The server started in ``home`` if its process is alive, else None."""
    home = home or default_home()
    state = _state_file(home)
    if not state.exists():
        return None
    info = ServerInfo(**json.loads(state.read_text()))
    try:
        os.kill(info.pid, 0)
    except ProcessLookupError:
        return None
    return info


def _wait_for_bolt(info: ServerInfo, timeout: float) -> None:
    import neo4j

    deadline = time.monotonic() + timeout
    last: Exception | None = None
    with neo4j.GraphDatabase.driver(info.uri, auth=(info.username, info.password)) as driver:
        while time.monotonic() < deadline:
            try:
                driver.verify_connectivity()
                return
            except Exception as exc:
                last = exc
                time.sleep(0.5)
    log = Path(info.home) / "logs" / "console.log"
    tail = log.read_text()[-3000:] if log.exists() else ""
    raise StoreError(f"Neo4j did not answer on {info.uri} within {timeout:.0f}s ({last}).\n{tail}")


def start(
    home: Path | None = None,
    port: int = 7687,
    password: str | None = None,
    version: str = NEO4J_VERSION,
    heap: str = "1g",
    timeout: float = 120.0,
) -> ServerInfo:
    """Start (or find already running) a server in ``home``; return once Bolt answers."""
    home = (home or default_home()).resolve()
    running = status(home)
    if running is not None:
        return running
    password = password or os.environ.get("NEO4J_PASSWORD") or DEFAULT_PASSWORD
    lib = fetch(version)
    java = java_binary()
    for sub in ("conf", "data", "logs", "run", "plugins", "import"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    (home / "conf" / "neo4j.conf").write_text(_conf(home, port))
    classpath = f"{lib}/*"
    env = {**os.environ, "NEO4J_HOME": str(home), "NEO4J_CONF": str(home / "conf")}
    if not any((home / "data").iterdir()):
        # The initial password can only be set before the very first start.
        done = subprocess.run(
            [
                java,
                "-cp",
                classpath,
                "org.neo4j.cli.AdminTool",
                "dbms",
                "set-initial-password",
                password,
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise StoreError(f"setting Neo4j's initial password failed: {done.stderr[-2000:]}")
    log = open(home / "logs" / "console.log", "ab")  # noqa: SIM115 - handed to the child
    proc = subprocess.Popen(
        [
            java,
            f"-Xmx{heap}",
            *_JVM_OPENS,
            "-cp",
            classpath,
            "org.neo4j.server.CommunityEntryPoint",
            f"--home-dir={home}",
            f"--config-dir={home / 'conf'}",
            "--console-mode",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    log.close()
    info = ServerInfo(
        str(home), proc.pid, port, f"bolt://127.0.0.1:{port}", "neo4j", password, version
    )
    _state_file(home).write_text(json.dumps(asdict(info)))
    try:
        _wait_for_bolt(info, timeout)
    except StoreError:
        stop(home)
        raise
    return info


def stop(home: Path | None = None, timeout: float = 60.0) -> bool:
    """SIGTERM the server started in ``home`` and wait for it; False if none was running."""
    home = (home or default_home()).resolve()
    info = status(home)
    if info is None:
        _state_file(home).unlink(missing_ok=True)
        return False
    os.kill(info.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(info.pid, 0)
        except ProcessLookupError:
            break
        _reap(info.pid)
        time.sleep(0.2)
    else:
        os.kill(info.pid, signal.SIGKILL)
    _state_file(home).unlink(missing_ok=True)
    return True


def _reap(pid: int) -> None:
    """Collect the exit status when the server is our own child (else it lingers as a zombie)."""
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
