/** A JSON HTTP call as a client of the services makes it. */
export interface HttpResult<T = unknown> {
  status: number;
  body: T;
}

export async function request<T = unknown>(
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  body?: unknown,
): Promise<HttpResult<T>> {
  const response = await fetch(url, {
    method,
    ...(body !== undefined && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** Like `request`, but anything other than `expected` is an error naming the call and the answer. */
export async function expectStatus<T>(
  expected: number,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  body?: unknown,
): Promise<T> {
  const result = await request<T>(method, url, body);
  if (result.status !== expected)
    throw new Error(
      `${method} ${url} answered ${result.status} (expected ${expected}): ${JSON.stringify(result.body)}`,
    );
  return result.body;
}
