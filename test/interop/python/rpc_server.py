"""rpc_server.py <url> <queue> <mode>: serves user-profile look-ups as the Python user-service does.

mode `profile` answers `{user_id, username, profile_data}`; mode `fail` raises, so the client's
error convention answers `{"error": "no user <user_id>"}`. Writes `ready` to stderr once serving,
then serves until it is terminated.
"""
import asyncio
import sys

from peerprep_client import RabbitMQClient


def handler_for(mode):
    async def profile(request):
        return {"user_id": request["user_id"], "username": "ada", "profile_data": {"bio": "Analyst", "languages": ["python"]}}

    async def fail(request):
        raise ValueError(f"no user {request['user_id']}")

    return {"profile": profile, "fail": fail}[mode]


async def main(url, queue, mode):
    client = RabbitMQClient(url)
    await client.connect()
    await client.setup_rpc_server(queue, handler_for(mode))
    print("ready", file=sys.stderr, flush=True)
    await asyncio.Future()  # serve until terminated


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3]))
