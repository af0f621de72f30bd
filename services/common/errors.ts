/** An error a route throws on purpose: its status and message go to the client as they are. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

export const notFound = (message: string): HttpError => new HttpError(404, message);
export const conflict = (message: string): HttpError => new HttpError(409, message);
export const forbidden = (message: string): HttpError => new HttpError(403, message);

/** Thrown by an RPC handler: the caller gets an `RpcRemoteError` with this `code` and message. */
export class RpcFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
