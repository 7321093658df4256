"""The `kunskapsnav` command.

  kunskapsnav demo [--port N]   migrate, load reference and demo data, print the demo
                                accounts, serve on http://127.0.0.1:N (default 8000)
                                with the background worker beside it
  kunskapsnav serve [--bind A]  production: checks, migrate, collect static, gunicorn
  kunskapsnav manage ...        any Django management command

Stopping: `demo` stops on SIGTERM, SIGHUP (its terminal closed) and SIGINT (Ctrl+C); it
stops the background worker first and then ends by the same signal (the shell reports
128 + N). The worker also ends if `demo` is killed outright (Linux, kunskapsnav.lib.processes).
`serve` becomes gunicorn, whose signals are gunicorn's: SIGTERM stops gracefully (requests
in hand are finished), SIGINT stops at once, both end the workers and exit 0; SIGHUP
reloads: new workers start and the old ones finish their requests and stop, and gunicorn
keeps running, as a service's reload should.
"""

import argparse
import os
import sys
from collections.abc import MutableMapping


def _django(settings_overrides: dict[str, str] | None = None):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kunskapsnav.settings")
    for key, value in (settings_overrides or {}).items():
        os.environ.setdefault(key, value)
    import django

    django.setup()


def _manage(*args: str):
    from django.core.management import call_command

    call_command(*args)


def demo(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="kunskapsnav demo", description="Start Kunskapsnav med demodata.")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--no-serve", action="store_true", help="förbered databasen men starta inte servern")
    parser.add_argument("--no-data", action="store_true",
                        help="ladda inte referens- och demodata (databasen används som den är)")
    args = parser.parse_args(argv)
    _django({"KUNSKAPSNAV_DEMO": "1", "KUNSKAPSNAV_CDS_ALLOW_ANONYMOUS": "1"})
    _manage("migrate", "--no-input", "--verbosity", "0")
    if not args.no_data:
        _demo_data()
    if args.no_serve:
        return 0
    _manage("collectstatic", "--no-input", "--verbosity", "0")
    from kunskapsnav.lib.processes import ChildProcesses

    # The background worker (mail to followers, reminders) runs beside the web server and
    # ends with it, however this process is stopped (kunskapsnav.lib.processes).
    with ChildProcesses() as children:
        children.start([sys.executable, "-m", "kunskapsnav.cli", "manage", "db_worker", "--no-reload"])
        from kunskapsnav.interop.cds.demo import demo_curl

        print(f"\nKunskapsnav körs på http://{args.host}:{args.port}/  (avsluta med Ctrl+C)\n", flush=True)
        print("Beslutsstöd i journalen (CDS Hooks), en demopatient med stroke som tar ASA:\n"
              f"{demo_curl(f'http://{args.host}:{args.port}')}\n", flush=True)
        _manage("runserver", f"{args.host}:{args.port}", "--noreload", "--skip-checks")
    return 0


def _demo_data():
    _manage("load_reference_data")
    _manage("load_demo_data")
    _manage("load_knowledge_demo_data")
    _manage("load_remiss_demo_data")
    _manage("load_implementation_demo_data")
    _manage("load_people_demo_data")
    _manage("load_indicator_demo_data")
    _manage("load_lowvalue_demo_data")
    _manage("load_cds_demo_data")
    _manage("load_needs_demo_data")
    _manage("load_reports_demo_data")


# What production turns on unless the environment says otherwise (docs/security.md): each
# sync worker keeps its database connection between requests (settings.DATABASES); plain HTTP
# is redirected to HTTPS, browsers are told to use only HTTPS for a year (HSTS), and the
# session and CSRF cookies are sent over HTTPS only.
SERVE_DEFAULTS = {
    "DATABASE_PERSISTENT_CONNECTIONS": "1",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_COOKIES": "1",
}


def serve_environment(environ: MutableMapping[str, str]) -> None:
    """Fill in SERVE_DEFAULTS where the environment sets nothing."""
    for key, value in SERVE_DEFAULTS.items():
        environ.setdefault(key, value)


def serve(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="kunskapsnav serve", description="Kör Kunskapsnav i produktion.")
    parser.add_argument("--bind", default=os.environ.get("BIND", "0.0.0.0:8000"))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "3")))
    args = parser.parse_args(argv)
    serve_environment(os.environ)
    from django.core.exceptions import ImproperlyConfigured

    try:
        _django()
    except ImproperlyConfigured as error:
        # A bad value in the environment: one line that names it, not a traceback.
        print(f"kunskapsnav serve: configuration error: {error}", file=sys.stderr)
        return 1
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    try:
        call_command("check", "--deploy", "--fail-level", "ERROR")
    except SystemCheckError as error:
        print(error, file=sys.stderr)
        return 1
    call_command("migrate", "--no-input")
    call_command("collectstatic", "--no-input", "--verbosity", "0")
    os.execvp(
        sys.executable,
        [
            sys.executable,
            "-m",
            "gunicorn",
            "kunskapsnav.wsgi:application",
            "--bind",
            args.bind,
            "--workers",
            str(args.workers),
            "--access-logfile",
            "-",
        ],
    )
    return 0  # not reached


def manage(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kunskapsnav.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kunskapsnav manage", *argv])
    return 0


COMMANDS = {"demo": demo, "serve": serve, "manage": manage}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in COMMANDS:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    from django.core.exceptions import ImproperlyConfigured

    try:
        return COMMANDS[argv[0]](argv[1:])
    except ImproperlyConfigured as error:
        # A bad value in the environment: one line that names it, not a traceback.
        print(f"kunskapsnav {argv[0]}: configuration error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
