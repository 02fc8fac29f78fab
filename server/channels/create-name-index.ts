import { assignDisplayNames, type NamedChannel } from './assign-display-names.js';
import type { ChannelMeta } from './types.js';

// Channels grouped by name, so display names are assigned again only for the names a change touched: a datagram
// that adds or renames 40 channels costs 40 groups, not the whole catalog (issue 13: a rogue host announcing
// thousands of channels made every datagram walk every channel).

interface Named {
  meta: ChannelMeta;
}

export interface NameIndex<E extends Named> {
  /** Registers `entry` under its current name and marks that name for reassignment. */
  add(entry: E): void;
  /** Forgets `entry` under `name` (its name before a rename, or its current one) and marks that name. */
  remove(entry: E, name?: string): void;
  /** Marks a name whose channels' display names may change (a provider came, went or was renamed). */
  touch(name: string): void;
  /** Assigns display names for the marked names; calls `changed` for each entry whose display name changed. */
  assign(online: (entry: E) => boolean, changed: (entry: E) => void): void;
}

export function createNameIndex<E extends Named>(): NameIndex<E> {
  const byName = new Map<string, Set<E>>();
  const dirty = new Set<string>();

  return {
    add(entry) {
      const name = entry.meta.name;
      let group = byName.get(name);
      if (!group) {
        group = new Set();
        byName.set(name, group);
      }
      group.add(entry);
      dirty.add(name);
    },
    remove(entry, name = entry.meta.name) {
      const group = byName.get(name);
      if (!group) return;
      group.delete(entry);
      if (group.size === 0) byName.delete(name);
      dirty.add(name);
    },
    touch(name) {
      if (byName.has(name)) dirty.add(name);
    },
    assign(online, changed) {
      for (const name of dirty) {
        const group = byName.get(name);
        if (!group) continue;
        const named: (NamedChannel & { entry: E; before: string })[] = [];
        for (const entry of group) {
          named.push({ meta: entry.meta, online: online(entry), entry, before: entry.meta.displayName });
        }
        assignDisplayNames(named);
        for (const n of named) if (n.meta.displayName !== n.before) changed(n.entry);
      }
      dirty.clear();
    },
  };
}
