import type { NetworkInfo, Viewer } from '@caucus/shared/schemas/network.ts';

declare global {
  namespace App {
    interface Locals {
      /** The network's name, brand and state, read once per request in `hooks.server.ts`. */
      network: NetworkInfo;
      /** The signed-in member, or null for a visitor. */
      me: Viewer | null;
    }
  }
}

export {};
