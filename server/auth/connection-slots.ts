// Connection slots of the Socket.IO gateway. The last `reservedForOperator` slots only go to operator-token holders,
// and one address holds at most `perAddress` of the others, so one anonymous client can neither fill the hub nor
// lock the operator out. The per-address map only holds addresses with a connection, so it is bounded by `max`.

export interface ConnectionSlotLimits {
  /** Connections at once (HUB_MAX_VIEWERS). */
  max: number;
  /** Of those, kept for operator-token holders (HUB_OPERATOR_RESERVED_CONNECTIONS). */
  reservedForOperator: number;
  /** Non-operator connections from one address (HUB_MAX_CONNECTIONS_PER_ADDRESS). */
  perAddress: number;
}

export type SlotRefusal = 'TOO_MANY_CONNECTIONS' | 'TOO_MANY_FROM_ADDRESS';

export type SlotDecision = { ok: true; release: () => void } | { ok: false; code: SlotRefusal; message: string };

export interface ConnectionSlotStats {
  connections: number;
  operatorConnections: number;
  addresses: number;
}

export class ConnectionSlots {
  readonly #limits: ConnectionSlotLimits;
  readonly #byAddress = new Map<string, number>();
  #total = 0;
  #operators = 0;

  constructor(limits: ConnectionSlotLimits) {
    if (!(limits.reservedForOperator >= 0 && limits.reservedForOperator < limits.max)) {
      throw new Error(
        `reservedForOperator: must be at least 0 and below max (${limits.max}), got ${limits.reservedForOperator}`,
      );
    }
    if (!(limits.perAddress >= 1)) throw new Error(`perAddress: must be at least 1, got ${limits.perAddress}`);
    this.#limits = limits;
  }

  /** Takes a slot; `release` gives it back and is safe to call more than once. */
  take(address: string, operator: boolean): SlotDecision {
    const { max, reservedForOperator, perAddress } = this.#limits;
    const open = operator ? max : max - reservedForOperator;
    if (this.#total >= open) {
      const kept = operator ? '' : `, ${reservedForOperator} of them kept for the operator`;
      return {
        ok: false,
        code: 'TOO_MANY_CONNECTIONS',
        message: `this hub already serves ${this.#total} viewers (limit ${max}${kept}); try again later`,
      };
    }
    const fromAddress = this.#byAddress.get(address) ?? 0;
    if (!operator && fromAddress >= perAddress) {
      return {
        ok: false,
        code: 'TOO_MANY_FROM_ADDRESS',
        message: `${address} already has ${fromAddress} connections (limit ${perAddress} per address); close one first`,
      };
    }
    this.#total++;
    if (operator) this.#operators++;
    else this.#byAddress.set(address, fromAddress + 1);
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        this.#total--;
        if (operator) {
          this.#operators--;
          return;
        }
        const left = (this.#byAddress.get(address) ?? 1) - 1;
        if (left > 0) this.#byAddress.set(address, left);
        else this.#byAddress.delete(address);
      },
    };
  }

  stats(): ConnectionSlotStats {
    return { connections: this.#total, operatorConnections: this.#operators, addresses: this.#byAddress.size };
  }
}
