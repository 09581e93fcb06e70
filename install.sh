#!/usr/bin/env bash
# Installs dualnet with everything it needs on a fresh machine:
#   ./install.sh                     the package, its tests' needs, JupyterLab for the notebooks, and the
#                                    JAX and PyTorch backends
#   ./install.sh --tensorflow-only   the same without JAX and PyTorch
# Where the Python is marked externally managed (PEP 668: Debian 12, Ubuntu 24.04), it makes a virtual
# environment in .venv and installs there; activate it (source .venv/bin/activate) before using dualnet.
# Run as root, it also installs Fashion-MNIST (dataset-fashion-mnist) and a Korean font (fonts-nanum) from Debian.
set -euo pipefail
cd "$(dirname "$0")"

backends=yes
for arg in "$@"; do
    case "$arg" in
        --tensorflow-only) backends=no ;;
        -h|--help) sed -n 2,8p "$0"; exit 0 ;;
        *) echo "install.sh: unknown option '$arg' (try --help)" >&2; exit 2 ;;
    esac
done

PYTHON=${PYTHON:-python3}
externally_managed() {
    "$1" -c 'import os, sys, sysconfig
sys.exit(0 if sys.prefix == sys.base_prefix and os.path.exists(os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED")) else 1)'
}
if externally_managed "$PYTHON"; then
    if [ ! -x .venv/bin/python ]; then
        echo "install.sh: $PYTHON is managed by the system (PEP 668); installing into a virtual environment, .venv"
        "$PYTHON" -m venv .venv || {
            echo "install.sh: could not make .venv; install the venv module (Debian/Ubuntu: apt-get install python3-venv) and run again" >&2
            exit 1
        }
    fi
    PYTHON=.venv/bin/python
    venv_note="Activate the environment first: source .venv/bin/activate"
fi

if [ "$backends" = yes ]; then
    # torch first and pinned to its CPU build, so nothing later pulls a CUDA build.
    "$PYTHON" -m pip install --quiet "torch==2.13.0"
    "$PYTHON" -m pip install --quiet -e ".[test,notebook,jax,torch]"
else
    "$PYTHON" -m pip install --quiet -e ".[test,notebook]"
fi

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    # Fashion-MNIST's files, a Korean font so that figures can name classes in Korean, and Chromium,
    # in which a test renders the report page as a person sees it.
    missing=""
    for package in dataset-fashion-mnist fonts-nanum chromium; do
        dpkg -s "$package" >/dev/null 2>&1 || missing="$missing $package"
    done
    if [ -n "$missing" ]; then
        (apt-get install -y -q $missing || { apt-get update -q && apt-get install -y -q $missing; }) >/dev/null \
            || echo "install.sh: could not install$missing; dualnet downloads Fashion-MNIST when first needed, figures name classes in English without a Korean font, and the report page's browser test is skipped without Chromium" >&2
    fi
fi
echo "dualnet installed: try 'dualnet list'"
if [ -n "${venv_note:-}" ]; then echo "$venv_note"; fi
