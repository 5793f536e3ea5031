#!/usr/bin/python3
"""A local SMTP sink for the reminder benchmark: accepts every message on 127.0.0.1:PORT and appends one line
per message (receive time, Message-ID) to OUT. Uses Debian's python3-aiosmtpd."""
import sys, time, asyncio
from aiosmtpd.controller import Controller

port, out = int(sys.argv[1]), sys.argv[2]

class Sink:
    async def handle_DATA(self, server, session, envelope):
        mid = ""
        for line in envelope.content.decode("utf-8", "replace").split("\r\n"):
            if line.lower().startswith("message-id:"):
                mid = line.split(":", 1)[1].strip()
                break
            if line == "":
                break
        with open(out, "a") as f:
            f.write(f"{time.time():.3f} {mid}\n")
        return "250 OK"

controller = Controller(Sink(), hostname="127.0.0.1", port=port)
controller.start()
try:
    while True:
        time.sleep(3600)
except KeyboardInterrupt:
    controller.stop()
