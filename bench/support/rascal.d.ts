/** The part of rascal's API the benchmarks use (rascal ships no types; @types/rascal lags by many majors). */
declare module 'rascal' {
  import type { EventEmitter } from 'node:events';

  export interface PublicationSession extends EventEmitter {
    on(event: 'success', listener: (messageId: string) => void): this;
    on(event: 'error', listener: (error: Error, messageId: string) => void): this;
    on(event: 'return', listener: (message: unknown) => void): this;
  }

  export type AckOrNack = (error?: Error) => void;

  export interface SubscriberSession extends EventEmitter {
    on(event: 'message', listener: (message: unknown, content: unknown, ackOrNack: AckOrNack) => void): this;
    on(event: 'error' | 'invalid_content' | 'redeliveries_exceeded', listener: (error: Error) => void): this;
    cancel(): Promise<void>;
  }

  export interface BrokerAsPromised extends EventEmitter {
    publish(publication: string, message: unknown): Promise<PublicationSession>;
    subscribe(subscription: string): Promise<SubscriberSession>;
    shutdown(): Promise<void>;
  }

  const rascal: {
    BrokerAsPromised: { create(config: object): Promise<BrokerAsPromised> };
    withDefaultConfig(config: object): object;
  };
  export default rascal;
}
