"""Run the sandbox in the foreground for the demo: ``python -m kyufu.sandbox``."""

import argparse
import logging
import signal
import sys
import threading
from types import FrameType

from kyufu.sandbox.server import ENVIRONMENT, Sandbox, settings_from_env

logger = logging.getLogger("kyufu.sandbox")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    defaults = settings_from_env()
    parser = argparse.ArgumentParser(
        prog="python -m kyufu.sandbox",
        description="Fake LINE Messaging API with a chat page, and fake AGCOD.",
        epilog="Defaults come from: " + ", ".join(ENVIRONMENT),
    )
    parser.add_argument("--host", default=defaults["host"])
    parser.add_argument("--line-port", type=int, default=defaults["line_port"])
    parser.add_argument("--agcod-port", type=int, default=defaults["agcod_port"])
    parser.add_argument("--webhook-url", default=defaults["webhook_url"])
    parser.add_argument(
        "--agcod-tps",
        type=float,
        default=10.0,
        help="throttle AGCOD above this many requests per second (0: never)",
    )
    parser.add_argument("-v", "--verbose", action="store_true")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    sandbox = Sandbox.from_env(
        host=args.host,
        line_port=args.line_port,
        agcod_port=args.agcod_port,
        webhook_url=args.webhook_url,
        agcod_tps=args.agcod_tps or None,
    )
    stopped = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stopped.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    with sandbox:
        sys.stdout.write(
            f"LINE sandbox chat page: {sandbox.chat_url}\n"
            f"  Messaging API:  {sandbox.line_url}\n"
            f"  AGCOD API:      {sandbox.agcod_url}\n"
            f"  webhooks go to: {sandbox.line.webhook_url}\n"
        )
        sys.stdout.flush()
        stopped.wait()
    logger.info("sandbox stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
