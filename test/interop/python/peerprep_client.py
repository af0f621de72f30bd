"""A stand-in for the PeerPrep deployment's shared Python `RabbitMQClient`.

It behaves on the wire exactly as /work/shared/reference/python-client-wire.md describes the
original (aio-pika, robust connection, one confirm channel, prefetch 10), faults included: events
are transient with a monotonic-clock `timestamp`, failed messages are rejected without requeue,
RPC calls leak a server-named reply queue each and wait 30 s, and a failing RPC handler answers
`{"error": str(e)}`. Do not "fix" it: the interop tests exist to prove we live beside it as it is.
"""
import asyncio
import json
import os
import uuid

import aio_pika
from aio_pika import DeliveryMode, ExchangeType, Message


class RabbitMQClient:
    def __init__(self, url=None):
        self.url = url or os.getenv("RABBITMQ_URL", "amqp://admin:password@rabbitmq:5672/")
        self.connection = None
        self.channel = None

    async def connect(self):
        self.connection = await aio_pika.connect_robust(self.url)
        self.channel = await self.connection.channel()  # publisher confirms on by default
        await self.channel.set_qos(prefetch_count=10)

    async def close(self):
        if self.connection:
            await self.connection.close()

    async def _declare_topic_exchange(self, name):
        return await self.channel.declare_exchange(name, ExchangeType.TOPIC, durable=True, auto_delete=False)

    async def publish_message(self, exchange, routing_key, message):
        topic = await self._declare_topic_exchange(exchange)
        await topic.publish(
            Message(
                body=json.dumps(message).encode(),
                content_type="application/json",
                message_id=str(uuid.uuid4()),
                delivery_mode=DeliveryMode.NOT_PERSISTENT,
                priority=0,
                headers={},
                # The original's bug, kept on purpose: the event loop's monotonic clock, not the wall clock.
                timestamp=asyncio.get_running_loop().time(),
            ),
            routing_key=routing_key,
            mandatory=True,
        )

    async def consume_messages(self, queue, callback, exchange=None, routing_key=None):
        declared = await self.channel.declare_queue(queue, durable=True)
        if exchange:
            topic = await self._declare_topic_exchange(exchange)
            await declared.bind(topic, routing_key=routing_key)

        async def on_message(message):
            try:
                await callback(json.loads(message.body.decode()))
                await message.ack()
            except Exception:
                await message.reject(requeue=False)

        await declared.consume(on_message)

    async def rpc_call(self, queue, message, timeout=30):
        correlation_id = str(uuid.uuid4())
        reply_queue = await self.channel.declare_queue(exclusive=True)  # never deleted: the original leaks it
        response = asyncio.get_running_loop().create_future()

        async def on_reply(reply):
            if reply.correlation_id == correlation_id and not response.done():
                response.set_result(json.loads(reply.body.decode()))

        await reply_queue.consume(on_reply, no_ack=True)
        await self.channel.default_exchange.publish(
            Message(
                body=json.dumps(message).encode(),
                content_type="application/json",
                correlation_id=correlation_id,
                reply_to=reply_queue.name,
            ),
            routing_key=queue,
        )
        return await asyncio.wait_for(response, timeout=timeout)

    async def setup_rpc_server(self, queue, handler):
        requests = await self.channel.declare_queue(queue, durable=True)

        async def on_request(message):
            try:
                reply = await handler(json.loads(message.body.decode()))
            except Exception as e:
                reply = {"error": str(e)}
            await self.channel.default_exchange.publish(
                Message(
                    body=json.dumps(reply).encode(),
                    content_type="application/json",
                    correlation_id=message.correlation_id,
                ),
                routing_key=message.reply_to,
            )
            await message.ack()

        await requests.consume(on_request)
