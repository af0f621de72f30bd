"""publish_headers.py <url> <exchange> <routing_key> <body> <name>=<bytes>...: publishes one message with
the given body (as is, not JSON-encoded) and a header per <name>=<bytes> whose value is that many
ASCII bytes: a peer sending a header table as large as the broker's frame_max lets through."""
import asyncio
import sys

import aio_pika
from aio_pika import Message


async def main(url, exchange, routing_key, body, sizes):
    headers = {}
    for spec in sizes:
        name, size = spec.split("=")
        headers[name] = "h" * int(size)
    connection = await aio_pika.connect(url)
    try:
        channel = await connection.channel()
        target = await channel.get_exchange(exchange) if exchange else channel.default_exchange
        await target.publish(Message(body=body.encode(), headers=headers), routing_key=routing_key, mandatory=True)
        print('{"published": true}')
    finally:
        await connection.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]))
