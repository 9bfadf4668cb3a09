import type { Me } from '@caucus/shared/schemas/accounts.ts';
import type { NetworkInfo } from '@caucus/shared/schemas/network.ts';

declare global {
  namespace App {
    interface Locals {
      /** The network's name, brand and state, read once per request in `hooks.server.ts`. */
      network: NetworkInfo;
      /** The signed-in member, or null for a visitor. */
      me: Me | null;
    }
  }
}

export {};
