"""rpc_call.py <url> <queue> <json>: one RPC call as the Python services make it; prints the reply as a JSON line."""
import asyncio
import json
import sys

from peerprep_client import RabbitMQClient


async def main(url, queue, request):
    client = RabbitMQClient(url)
    await client.connect()
    try:
        print(json.dumps(await client.rpc_call(queue, json.loads(request))), flush=True)
    finally:
        await client.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3]))
