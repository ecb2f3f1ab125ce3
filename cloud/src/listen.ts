import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Listens on `port`, resolving with the port it got; rejects with the listen error (EADDRINUSE...). */
export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
