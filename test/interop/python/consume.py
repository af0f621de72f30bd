"""consume.py <url> <queue> <exchange> <routing_key> <count>: consumes as the Python services do.

Writes `ready` to stderr once consuming, then one JSON line per message to stdout (the dict the
service's callback receives), and exits after <count> messages; 0 declares, binds and exits.
"""
import asyncio
import json
import sys

from peerprep_client import RabbitMQClient


async def main(url, queue, exchange, routing_key, count):
    client = RabbitMQClient(url)
    await client.connect()
    received = 0
    done = asyncio.Event()

    async def callback(message):
        nonlocal received
        print(json.dumps(message), flush=True)
        received += 1
        if received >= count:
            done.set()

    try:
        await client.consume_messages(queue, callback, exchange=exchange, routing_key=routing_key)
        print("ready", file=sys.stderr, flush=True)
        if count > 0:
            await done.wait()
    finally:
        await client.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])))
