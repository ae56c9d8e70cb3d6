"""fastdj installs and serves requests as pure Python (FASTDJ_NO_EXTENSIONS=1).

A fresh virtual environment (no system site-packages), a normal
``pip install`` of a clean copy of the repository, then a request served
through the WSGI handler and the test client in that environment.
"""

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from fastdj import _accel

REPO = Path(__file__).resolve().parents[2]

# Build products of in-place builds must not leak into the copy: the install
# has to stand on its own.
_IGNORE = shutil.ignore_patterns(
    "*.so", "*.pyd", "*.c", "*.html", "__pycache__", "*.egg-info", "build"
)

SCRIPT = textwrap.dedent(
    """
    import io
    import os
    import sys
    import warnings

    warnings.simplefilter("ignore")  # the pure-Python fallback warns, as it should
    import fastdj
    from fastdj import _accel

    assert "site-packages" in fastdj.__file__, fastdj.__file__
    speedups = fastdj.speedups()
    print("SPEEDUPS", sorted(speedups.items()))
    assert set(speedups.values()) == {"python"}, speedups
    assert _accel.available() == ["py"]
    compiled = [
        name
        for name in os.listdir(os.path.dirname(_accel.__file__) + "/_speedups")
        if name.endswith((".so", ".pyd"))
    ]
    assert compiled == [], compiled

    from fastdj.conf import settings

    settings.configure(
        ROOT_URLCONF=__name__,
        ALLOWED_HOSTS=["testserver"],
        SECRET_KEY="install-test",
    )
    from fastdj.core.wsgi import get_wsgi_application
    from fastdj.http import HttpResponse
    from fastdj.test import Client
    from fastdj.urls import path

    def hello(request, name):
        return HttpResponse(f"hello {name}")

    urlpatterns = [path("hello/<str:name>/", hello)]

    application = get_wsgi_application()
    started = []
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/hello/wsgi/",
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
    }
    body = b"".join(application(environ, lambda s, h: started.append((s, h))))
    print("WSGI", started[0][0], body.decode())

    response = Client().get("/hello/client/")
    print("CLIENT", response.status_code, response.content.decode())
    """
)


def _run(cmd, **kwargs):
    result = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, (
        f"{cmd} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
    )
    return result


def test_pure_python_install_serves_requests(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    shutil.copytree(REPO / "fastdj", source / "fastdj", ignore=_IGNORE)
    for name in ("setup.py", "pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)

    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)])
    python = venv / "bin" / "python"
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "FASTDJ_SETTINGS_MODULE", "VIRTUAL_ENV")
        and not k.startswith("FASTDJ_")
    }
    env.update(FASTDJ_NO_EXTENSIONS="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    _run(
        [str(python), "-m", "pip", "install", "--no-input", str(source)],
        env=env,
        cwd=tmp_path,
        timeout=600,
    )

    work = tmp_path / "work"
    work.mkdir()
    (work / "check_install.py").write_text(SCRIPT)
    result = _run([str(python), "check_install.py"], env=env, cwd=work, timeout=120)
    out = result.stdout
    expected = sorted((name, "python") for name in _accel.KERNELS)
    assert f"SPEEDUPS {expected}" in out
    assert "WSGI 200 OK hello wsgi" in out
    assert "CLIENT 200 hello client" in out

    # The console script works too and reports the same choice.
    info = _run([str(venv / "bin" / "fastdj-admin"), "info"], env=env, cwd=work)
    assert "middleware   python" in info.stdout
    assert "urls         python" in info.stdout
