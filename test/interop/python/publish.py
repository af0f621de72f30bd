"""publish.py <url> <exchange> <routing_key> <json>...: publishes each JSON object as one event, as the Python services do."""
import asyncio
import json
import sys

from peerprep_client import RabbitMQClient


async def main(url, exchange, routing_key, payloads):
    client = RabbitMQClient(url)
    await client.connect()
    try:
        for payload in payloads:
            await client.publish_message(exchange, routing_key, json.loads(payload))
    finally:
        await client.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]))
