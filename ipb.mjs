// test/bench/ingest-in-process.ts
import { Subject as Subject3 } from "rxjs";

// server/ingest/create-ingest.ts
import { Observable as Observable3 } from "rxjs";

// server/channels/create-channel-registry.ts
import { Subject as Subject2 } from "rxjs";

// server/jetdrive/create-node-counters.ts
function createNodeCounters() {
  return {
    datagrams: 0,
    bytes: 0,
    malformed: {},
    unknownKeys: 0,
    trailingBytes: 0,
    partialRecords: 0,
    ignored: { ownMessages: 0, fromAllHosts: 0, notForUs: 0, incompatible: 0 },
    drops: {},
    collisions: 0,
    collisionsSuppressed: 0,
    evictions: 0,
    pongsSuppressed: {},
    conflicts: {},
    sent: {}
  };
}

// server/protocol/types.ts
var KEY = {
  ChannelInfo: 1,
  ChannelValues: 2,
  ClearChannelInfo: 3,
  Ping: 4,
  Pong: 5,
  RequestChannelInfo: 6,
  RequestLogging: 16,
  LoggingResponse: 32,
  RequestLoadControl: 17,
  LoadControlResponse: 33,
  RequestBrake: 18,
  BrakeResponse: 34
};
var HEADER_SIZE = 8;
var ALL_HOSTS = 65535;
var PROVIDER_NAME_SIZE = 50;
var CHANNEL_NAME_SIZE = 30;
var CHANNEL_INFO_RECORD_SIZE = 34;
var CHANNEL_VALUE_RECORD_SIZE = 10;
var DEFAULT_MTU = 1400;
var PING_VERSION = 1;
var MAX_PING_ECHO_BYTES = 4;
var UNIT_LABELS = {
  0: "s",
  1: "m",
  2: "km/h",
  3: "N",
  4: "kW",
  5: "N\xB7m",
  6: "\xB0C",
  7: "kPa",
  8: "RPM",
  9: "rpm/(km/h)",
  10: "(km/h)/s",
  11: "AFR",
  12: "kg/h",
  13: "\u03BB",
  14: "V",
  15: "A",
  16: "%",
  254: "extended",
  255: ""
};

// server/protocol/channel-values-batch.ts
var MAX_CHANNEL_VALUE_RECORDS = Math.floor(65535 / CHANNEL_VALUE_RECORD_SIZE);
var ChannelValuesBatch = class _ChannelValuesBatch {
  /** Records decoded; the columns are longer. */
  count = 0;
  channelIds;
  /** Provider clock, ms (u32). */
  ts;
  /** float32 on the wire, so a Float32Array holds them exactly; NaN and Infinity are kept. */
  values;
  constructor(capacity = MAX_CHANNEL_VALUE_RECORDS) {
    this.channelIds = new Uint16Array(capacity);
    this.ts = new Uint32Array(capacity);
    this.values = new Float32Array(capacity);
  }
  get capacity() {
    return this.channelIds.length;
  }
  /** A batch holding these samples (tests, replay): the object form decodeFrame returns, as columns. */
  static from(samples) {
    const batch = new _ChannelValuesBatch(samples.length);
    for (let i = 0; i < samples.length; i++) {
      batch.channelIds[i] = samples[i].channelId;
      batch.ts[i] = samples[i].ts >>> 0;
      batch.values[i] = samples[i].value;
    }
    batch.count = samples.length;
    return batch;
  }
};

// server/jetdrive/pick-host-id.ts
function pickHostId(taken, random = Math.random) {
  for (let attempt = 0; attempt < 1e3; attempt++) {
    const id = 1 + Math.floor(random() * 65534);
    if (id >= 1 && id <= 65534 && !taken.has(id)) return id;
  }
  for (let id = 1; id <= 65534; id++) if (!taken.has(id)) return id;
  throw new Error(`no free JetDrive host id: all 65534 ids are taken (${taken.size} hosts seen)`);
}
function hostHex(id) {
  return `0x${id.toString(16).toUpperCase().padStart(4, "0")}`;
}

// server/channels/build-ingest-stats.ts
function buildIngestStats(counters, registry, providers) {
  const seq = {};
  for (const pe of providers) seq[hostHex(pe.state.hostId)] = { ...pe.state.seq };
  const drops = { ...counters.drops };
  for (const [k, v] of Object.entries(registry.drops)) drops[k === "providers" ? "registryProviders" : k] = v;
  return {
    datagrams: counters.datagrams,
    bytes: counters.bytes,
    malformed: { ...counters.malformed },
    unknownKeys: counters.unknownKeys,
    trailingBytes: counters.trailingBytes,
    partialRecords: counters.partialRecords,
    ignored: { ...counters.ignored },
    samples: registry.samples,
    staleSamples: registry.staleSamples,
    evictions: counters.evictions,
    pongsSuppressed: { ...counters.pongsSuppressed },
    conflicts: { ...counters.conflicts },
    collisionsSuppressed: counters.collisionsSuppressed,
    drops,
    providers: seq
  };
}

// server/channels/catalog-publisher.ts
import { defer, map, Subject, startWith } from "rxjs";
var CatalogPublisher = class {
  #version = 0;
  #structureDirty = false;
  #catalogDirty = false;
  #changed$ = new Subject();
  /** Built only for subscribers: a snapshot of every channel per change made each ChannelInfo datagram O(channels). */
  catalog$;
  constructor(build) {
    this.catalog$ = defer(() => this.#changed$.pipe(startWith(void 0), map(build)));
  }
  get version() {
    return this.#version;
  }
  /** Something changed since the last settle (most ChannelValues messages change nothing: settle has nothing to do). */
  get dirty() {
    return this.#catalogDirty || this.#structureDirty;
  }
  changed(structural) {
    this.#catalogDirty = true;
    if (structural) this.#structureDirty = true;
  }
  /** Ends every sink call: `refresh` runs when the structure changed, then subscribers hear of the change. */
  settle(refresh) {
    if (this.#structureDirty) {
      this.#structureDirty = false;
      refresh();
    }
    if (this.#catalogDirty) {
      this.#catalogDirty = false;
      this.#version++;
      this.#changed$.next();
    }
  }
  complete() {
    this.#changed$.complete();
  }
};

// server/log.ts
import pino from "pino";
import pretty from "pino-pretty";
var LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"];
function initialLogLevel(env) {
  const asked = env.LOG_LEVEL?.trim().toLowerCase();
  const known = LOG_LEVELS.find((l) => l === asked);
  return known ?? (env.VITEST ? "silent" : "info");
}
var level = initialLogLevel(process.env);
var isPretty = process.stdout.isTTY && !process.env.LOG_JSON;
var CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
function escapeControlChars(text) {
  return text.replace(CONTROL, (c) => {
    if (c === "\n") return "\\n";
    if (c === "\r") return "\\r";
    if (c === "	") return "\\t";
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
  });
}
var SHOWN_OTHERWISE = /* @__PURE__ */ new Set(["time", "level", "msg", "module", "pid", "hostname", "err"]);
var MAX_FIELD_CHARS = 120;
function fieldText(value) {
  if (value === null || value === void 0) return null;
  if (Array.isArray(value)) {
    return value.length === 0 ? null : value.map((v) => typeof v === "object" ? JSON.stringify(v) : String(v)).join(",");
  }
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}
function untoldFields(log13, message) {
  const parts = [];
  for (const [key, value] of Object.entries(log13)) {
    if (SHOWN_OTHERWISE.has(key)) continue;
    const text = fieldText(value);
    if (text === null || text === "" || message.includes(text)) continue;
    parts.push(`${key}=${text.length > MAX_FIELD_CHARS ? `${text.slice(0, MAX_FIELD_CHARS - 1)}\u2026` : text}`);
  }
  const err = log13.err;
  const errText = typeof err?.message === "string" && !message.includes(err.message) ? err.message : null;
  if (errText) parts.push(errText);
  return parts.length > 0 ? ` (${parts.join(" ")})` : "";
}
function createPrettyStream(destination) {
  return pretty({
    translateTime: "HH:MM:ss.l",
    // hideObject leaves only the message; pino-pretty ends such a line only when singleLine is off.
    hideObject: true,
    singleLine: false,
    messageFormat: (log13, messageKey) => {
      const message = String(log13[messageKey] ?? "");
      return escapeControlChars(`[${String(log13.module ?? "")}] ${message}${untoldFields(log13, message)}`);
    },
    ...destination ? { destination, sync: true } : {}
  });
}
var rootLogger = isPretty ? pino({ level, base: void 0 }, createPrettyStream()) : pino({ level, base: void 0 });
function createLogger(module) {
  return rootLogger.child({ module });
}

// server/channels/provider-history.ts
var INITIAL_CAPACITY = 1024;
var RENUMBER_AT = 2 ** 30;
var RATE_WALK = 32;
var NEVER = -1;
var GONE = -2;
var NO_PREVIOUS = 0;
var ProviderHistory = class {
  constructor(maxSlots, limits) {
    this.limits = limits;
    this.#lastAbs = new Int32Array(maxSlots).fill(NEVER);
  }
  limits;
  #capacity = 0;
  /** Records held; the oldest is at #head. */
  size = 0;
  #head = 0;
  /** The absolute number of the next record (records ever written, renumbered at RENUMBER_AT). */
  #written = 0;
  /** maxPerChannel × slots that have written since the last clear: the capacity it may grow to. */
  #limit = 0;
  #slots = new Uint16Array(0);
  #times = new Float64Array(0);
  #values = new Float64Array(0);
  #pts = new Uint32Array(0);
  /** Distance back, in records, to the same channel's previous record (NO_PREVIOUS for none). */
  #prev = new Uint32Array(0);
  /** Absolute number of each slot's newest record (NEVER, GONE: none); older than the oldest held: none either. */
  #lastAbs;
  /** push()'s one-record batch. */
  #one = {
    slots: new Uint16Array(1),
    times: new Float64Array(1),
    values: new Float64Array(1),
    pts: new Uint32Array(1)
  };
  /** The newest time that needs no trim (the oldest record's time + maxAgeMs, when last looked at). */
  #trimAfter = Number.NEGATIVE_INFINITY;
  /** Appends one sample of `slot`. */
  push(slot, time, value, providerTs) {
    const one = this.#one;
    one.slots[0] = slot;
    one.times[0] = time;
    one.values[0] = value;
    one.pts[0] = providerTs;
    this.append(one, 1);
  }
  /**
   * Appends the first `n` records of `batch` in order (the hot path: one call per datagram). Room is made once for
   * all of them and the columns are copied in sequence. `newSlots`: how many of the batch's slots write for the
   * first time since the last clear, when the caller knows (the channel table does: their sample count was 0);
   * otherwise the batch is scanned for them.
   */
  append(batch, n, newSlots) {
    if (n === 0) return;
    if (newSlots === void 0) this.#countNewSlots(batch.slots, n);
    else this.#limit += newSlots * this.limits.maxPerChannel;
    let first = 0;
    if (n > this.#capacity - this.size) first = this.#makeRoom(n, batch.times[n - 1]);
    const capacity = this.#capacity;
    let pos = this.#head + this.size;
    if (pos >= capacity) pos -= capacity;
    const { slots, times, values, pts } = batch;
    const toSlots = this.#slots;
    const toTimes = this.#times;
    const toValues = this.#values;
    const toPts = this.#pts;
    const toPrev = this.#prev;
    const last = this.#lastAbs;
    let abs = this.#written;
    for (let i = first; i < n; i++, abs++) {
      const slot = slots[i];
      const previous = last[slot];
      toSlots[pos] = slot;
      toTimes[pos] = times[i];
      toValues[pos] = values[i];
      toPts[pos] = pts[i];
      toPrev[pos] = previous < 0 ? NO_PREVIOUS : abs - previous;
      last[slot] = abs;
      if (++pos === capacity) pos = 0;
    }
    this.#written = abs;
    this.size += n - first;
    const newest = times[n - 1];
    if (newest > this.#trimAfter) this.#trimOld(newest);
    if (this.#written >= RENUMBER_AT) this.#renumber();
  }
  /** Slots writing for the first time since the last clear raise the limit by their share. */
  #countNewSlots(slots, n) {
    const last = this.#lastAbs;
    for (let i = 0; i < n; i++) {
      if (last[slots[i]] !== NEVER) continue;
      last[slots[i]] = GONE;
      this.#limit += this.limits.maxPerChannel;
    }
  }
  /** Drops records with time < cutoff (oldest first). */
  trimBefore(cutoff) {
    while (this.size > 0 && this.#times[this.#head] < cutoff) this.#dropOldest();
  }
  /** Forgets everything (the provider's channels were removed); slots may be reused from 0. */
  clear() {
    this.size = 0;
    this.#head = 0;
    this.#lastAbs.fill(NEVER);
    this.#limit = 0;
    this.#trimAfter = Number.NEGATIVE_INFINITY;
  }
  /** The channel's samples, oldest first, at most maxPerChannel, optionally only time >= sinceMs. */
  toArray(ch, sinceMs = Number.NEGATIVE_INFINITY) {
    const out = [];
    this.#walk(ch.slot, this.limits.maxPerChannel, (pos) => {
      if (this.#times[pos] < sinceMs) return false;
      out.push({
        key: ch.key,
        providerId: ch.providerId,
        channelId: ch.channelId,
        value: this.#values[pos],
        time: this.#times[pos],
        providerTs: this.#pts[pos]
      });
      return true;
    });
    return out.reverse();
  }
  /** Samples per second over the channel's recent records (up to RATE_WALK of them), 0 with fewer than two. */
  rateHz(slot) {
    let newest = Number.NaN;
    let oldest = Number.NaN;
    let n = 0;
    this.#walk(slot, Math.min(RATE_WALK, this.limits.maxPerChannel), (pos) => {
      if (n === 0) newest = this.#times[pos];
      oldest = this.#times[pos];
      n++;
      return true;
    });
    const span = newest - oldest;
    return n > 1 && span > 0 ? (n - 1) * 1e3 / span : 0;
  }
  /** Visits the slot's records newest first, at most `max`, while `visit` returns true. */
  #walk(slot, max, visit) {
    let abs = this.#lastAbs[slot];
    const oldestAbs = this.#written - this.size;
    for (let n = 0; n < max && abs >= oldestAbs && abs >= 0; n++) {
      const pos = this.#positionOf(abs);
      if (!visit(pos)) return;
      const back = this.#prev[pos];
      if (back === NO_PREVIOUS) return;
      abs -= back;
    }
  }
  #positionOf(abs) {
    const fromHead = abs - (this.#written - this.size);
    const pos = this.#head + fromHead;
    return pos >= this.#capacity ? pos - this.#capacity : pos;
  }
  /**
   * Room for `n` more records: grows (doubling) while under the limit and the oldest record is still wanted, then
   * drops the oldest. Returns how many of the `n` to skip (a batch larger than the whole capacity keeps its newest).
   */
  #makeRoom(n, time) {
    const limit = this.#limit;
    const oldestWanted = this.size === 0 || this.#times[this.#head] >= time - this.limits.maxAgeMs;
    if (this.#capacity < limit && oldestWanted) {
      let capacity = Math.max(INITIAL_CAPACITY, this.#capacity);
      while (capacity < this.size + n && capacity < limit) capacity *= 2;
      this.#grow(Math.min(limit, capacity));
    }
    const skip = Math.max(0, n - this.#capacity);
    const excess = this.size + (n - skip) - this.#capacity;
    if (excess > 0) {
      this.#head = (this.#head + excess) % this.#capacity;
      this.size -= excess;
    }
    return skip;
  }
  #grow(capacity) {
    const copy = (from, to) => {
      for (let i = 0; i < this.size; i++) {
        const j = this.#head + i;
        to[i] = from[j >= this.#capacity ? j - this.#capacity : j];
      }
      return to;
    };
    this.#slots = copy(this.#slots, new Uint16Array(capacity));
    this.#times = copy(this.#times, new Float64Array(capacity));
    this.#values = copy(this.#values, new Float64Array(capacity));
    this.#pts = copy(this.#pts, new Uint32Array(capacity));
    this.#prev = copy(this.#prev, new Uint32Array(capacity));
    this.#head = 0;
    this.#capacity = capacity;
  }
  #dropOldest() {
    this.#head = this.#head + 1 === this.#capacity ? 0 : this.#head + 1;
    this.size--;
  }
  /** Record numbers restart from the oldest held; slots whose newest record is gone have none. */
  #renumber() {
    const shift = this.#written - this.size;
    this.#written -= shift;
    const last = this.#lastAbs;
    for (let i = 0; i < last.length; i++)
      last[i] = last[i] >= shift ? last[i] - shift : last[i] === NEVER ? NEVER : GONE;
  }
  #trimOld(time) {
    const cutoff = time - this.limits.maxAgeMs;
    if (this.#times[this.#head] < cutoff) this.trimBefore(cutoff);
    this.#trimAfter = this.size > 0 ? this.#times[this.#head] + this.limits.maxAgeMs : Number.NEGATIVE_INFINITY;
  }
};

// server/channels/provider-columns.ts
var LIVE = {
  count: 0,
  lastSeen: 1,
  lastValue: 2,
  lastTime: 3,
  /** Provider timestamp of the last sample. */
  lastPts: 4,
  /** Newest provider timestamp accepted (u32 ms), -1 before any: older samples beyond the window are stale. */
  newestTs: 5,
  /** +Infinity / -Infinity until a non-NaN value arrives. */
  min: 6,
  max: 7
};
var LIVE_SIZE = 8;
var ProviderColumns = class {
  constructor(maxSlots, limits) {
    this.maxSlots = maxSlots;
    this.live = new Float64Array(maxSlots * LIVE_SIZE);
    this.history = new ProviderHistory(maxSlots, limits);
  }
  maxSlots;
  live;
  history;
  #nextSlot = 0;
  /** A fresh row for a new channel, or -1 when every slot is taken. */
  allocate() {
    if (this.#nextSlot >= this.maxSlots) return -1;
    const slot = this.#nextSlot++;
    const b = slot * LIVE_SIZE;
    this.live.fill(0, b, b + LIVE_SIZE);
    this.live[b + LIVE.newestTs] = -1;
    this.live[b + LIVE.min] = Number.POSITIVE_INFINITY;
    this.live[b + LIVE.max] = Number.NEGATIVE_INFINITY;
    return slot;
  }
  /** Every channel was removed: slots are handed out from 0 again and the history is empty. */
  reset() {
    this.#nextSlot = 0;
    this.history.clear();
  }
};

// server/channels/channel-entry.ts
var NO_UNIT = 255;
var ChannelEntry = class {
  constructor(providerId, providerName, channelId, fields, firstSeen, cols, slot) {
    this.cols = cols;
    const key = `${providerId}:${channelId}`;
    this.key = key;
    this.channelId = channelId;
    this.slot = slot;
    this.provisional = fields.provisional;
    this.base = slot * LIVE_SIZE;
    this.meta = {
      key,
      providerId,
      providerName,
      channelId,
      name: fields.name,
      displayName: fields.name,
      unit: fields.unit,
      unitLabel: UNIT_LABELS[fields.unit] ?? "",
      vendor: fields.vendor,
      provisional: fields.provisional,
      firstSeen,
      lastSeen: null,
      lastValue: null,
      lastTime: null,
      rateHz: 0,
      min: null,
      max: null,
      sampleCount: 0
    };
  }
  cols;
  /** Names and units; its live fields stay at their initial values (see snapshot()). */
  meta;
  /** meta.key and meta.channelId, read per sample by the hot path. */
  key;
  channelId;
  /** The channel's row in `cols` (live numbers) and its slot in the provider's history. */
  slot;
  /** slot × LIVE_SIZE: where its live numbers start. */
  base;
  /** Views this channel feeds; an array because it is walked per sample. */
  views = [];
  /** meta.provisional, read per sample by the hot path. */
  provisional;
  warnedUnmapped = false;
  judged = null;
  get count() {
    return this.cols.live[this.base + LIVE.count];
  }
  /** Its live number `field` (LIVE). */
  #get(field) {
    return this.cols.live[this.base + field];
  }
  /** True when ChannelInfo changes something (a provisional channel is always renamed). */
  differsFrom(fields) {
    const m = this.meta;
    return m.provisional || m.name !== fields.name || m.unit !== fields.unit || m.vendor !== fields.vendor;
  }
  /** Takes ChannelInfo's name and unit; the caller re-indexes the name. */
  relabel(fields) {
    const m = this.meta;
    if (m.name !== fields.name) m.displayName = fields.name;
    m.name = fields.name;
    m.unit = fields.unit;
    m.unitLabel = UNIT_LABELS[fields.unit] ?? "";
    m.vendor = fields.vendor;
    m.provisional = false;
    this.provisional = false;
    this.warnedUnmapped = false;
  }
  /** The newest sample as an object, null before any (channel$ replays it to new subscribers). */
  lastSample() {
    if (this.#get(LIVE.count) === 0) return null;
    const m = this.meta;
    return {
      key: m.key,
      providerId: m.providerId,
      channelId: m.channelId,
      value: this.#get(LIVE.lastValue),
      time: this.#get(LIVE.lastTime),
      providerTs: this.#get(LIVE.lastPts)
    };
  }
  /** A snapshot of the channel with its live fields. */
  snapshot(rateHz = 0) {
    const seen = this.#get(LIVE.count) > 0;
    const min = this.#get(LIVE.min);
    const max = this.#get(LIVE.max);
    return {
      ...this.meta,
      lastSeen: seen ? this.#get(LIVE.lastSeen) : null,
      lastValue: seen ? this.#get(LIVE.lastValue) : null,
      lastTime: seen ? this.#get(LIVE.lastTime) : null,
      min: min <= max ? min : null,
      max: min <= max ? max : null,
      sampleCount: this.#get(LIVE.count),
      rateHz
    };
  }
  /** A snapshot with the sample rate over its recent history (trimmed to `now - historyMs` first). */
  rateSnapshot(now, historyMs) {
    this.cols.history.trimBefore(now - historyMs);
    return this.snapshot(this.cols.history.rateHz(this.slot));
  }
  /** Its recent samples, oldest first (trimmed to `now - historyMs` first), optionally only time >= sinceMs. */
  history(now, historyMs, sinceMs) {
    this.cols.history.trimBefore(now - historyMs);
    return this.cols.history.toArray({ ...this.meta, slot: this.slot }, sinceMs);
  }
};

// server/channels/create-channel-views.ts
import { Observable } from "rxjs";

// server/channels/compile-selector.ts
import picomatch from "picomatch";

// server/errors/coded-error.ts
var CodedError = class extends Error {
  code;
  /** HTTP status, from the module's status table. */
  status;
  field;
  details;
  headers;
  constructor(code, status, message, options = {}) {
    super(message, options.cause === void 0 ? void 0 : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = status;
    this.field = options.field;
    this.details = options.details;
    this.headers = options.headers ?? {};
  }
};
var INTERNAL_ERROR = Object.freeze({
  code: "INTERNAL_ERROR",
  message: "internal server error"
});

// server/channels/selector-error.ts
var SELECTOR_ERROR_STATUS = Object.freeze({ INVALID_SELECTOR: 400 });
var SelectorError = class extends CodedError {
  constructor(selector, cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      "INVALID_SELECTOR",
      SELECTOR_ERROR_STATUS.INVALID_SELECTOR,
      `selector "${selector.slice(0, 64)}": not a valid glob (${reason})`,
      {
        field: "selector",
        cause
      }
    );
  }
};

// server/channels/compile-selector.ts
function compileSelector(selector) {
  if (typeof selector === "function") return selector;
  const s = selector.trim();
  const exact = (m) => m.name === s || m.displayName === s || m.key === s || `${m.providerName}/${m.name}` === s;
  if (!picomatch.scan(s).isGlob) return exact;
  let isMatch;
  try {
    isMatch = picomatch(s, { bash: true, nocase: true, dot: true });
  } catch (error) {
    throw new SelectorError(s, error);
  }
  return (m) => exact(m) || isMatch(m.name) || isMatch(m.displayName) || isMatch(`${m.providerName}/${m.name}`);
}

// server/channels/create-channel-views.ts
function createChannelViews(entries, metaOf) {
  const views = /* @__PURE__ */ new Set();
  const byString = /* @__PURE__ */ new Map();
  const byPredicate = /* @__PURE__ */ new WeakMap();
  const attach = (view, e) => {
    view.entries.add(e);
    e.views.push(view);
  };
  const detach = (view, e) => {
    view.entries.delete(e);
    e.views = e.views.filter((v) => v !== view);
  };
  const acquire = (selector) => {
    const existing = typeof selector === "string" ? byString.get(selector) : byPredicate.get(selector);
    if (existing) return existing;
    const match = compileSelector(selector);
    const view = { match, subscribers: /* @__PURE__ */ new Set(), entries: /* @__PURE__ */ new Set() };
    views.add(view);
    if (typeof selector === "string") byString.set(selector, view);
    else byPredicate.set(selector, view);
    for (const e of entries()) if (match(metaOf(e))) attach(view, e);
    return view;
  };
  const release = (selector, view) => {
    if (view.subscribers.size > 0) return;
    for (const e of [...view.entries]) detach(view, e);
    views.delete(view);
    if (typeof selector === "string") byString.delete(selector);
    else byPredicate.delete(selector);
  };
  return {
    channel$(selector) {
      return new Observable((subscriber) => {
        const view = acquire(selector);
        for (const e of view.entries) {
          const last = e.lastSample();
          if (last) subscriber.next(last);
        }
        view.subscribers.add(subscriber);
        return () => {
          view.subscribers.delete(subscriber);
          release(selector, view);
        };
      });
    },
    reevaluate(changed) {
      if (views.size === 0) return;
      for (const e of changed) {
        for (const view of views) {
          const matches = view.match(metaOf(e));
          if (matches && !view.entries.has(e)) {
            attach(view, e);
            const last = e.lastSample();
            if (last) for (const s of view.subscribers) s.next(last);
          } else if (!matches && view.entries.has(e)) detach(view, e);
        }
      }
    },
    detachEntry(e) {
      for (const view of [...e.views]) detach(view, e);
    },
    count: () => views.size,
    completeAll() {
      for (const v of views) for (const s of [...v.subscribers]) s.complete();
    }
  };
}

// server/channels/assign-display-names.ts
function assignDisplayNames(channels) {
  const byName = /* @__PURE__ */ new Map();
  for (const c of channels) {
    const list = byName.get(c.meta.name);
    if (list) list.push(c);
    else byName.set(c.meta.name, [c]);
  }
  for (const list of byName.values()) {
    const onlineProviders = new Set(list.filter((c) => c.online).map((c) => c.meta.providerId));
    for (const { meta: m } of list) {
      const others = [...onlineProviders].filter((id) => id !== m.providerId);
      if (others.length === 0) {
        m.displayName = m.name;
        continue;
      }
      const sameProviderName = list.some(
        (c) => c.meta.providerId !== m.providerId && c.meta.providerName === m.providerName
      );
      m.displayName = sameProviderName ? `${m.providerName} (${hostHex(m.providerId)})/${m.name}` : `${m.providerName}/${m.name}`;
    }
  }
}

// server/channels/create-name-index.ts
function createNameIndex() {
  const byName = /* @__PURE__ */ new Map();
  const dirty = /* @__PURE__ */ new Set();
  return {
    add(entry) {
      const name = entry.meta.name;
      let group = byName.get(name);
      if (!group) {
        group = /* @__PURE__ */ new Set();
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
        const named = [];
        for (const entry of group) {
          named.push({ meta: entry.meta, online: online(entry), entry, before: entry.meta.displayName });
        }
        assignDisplayNames(named);
        for (const n of named) if (n.meta.displayName !== n.before) changed(n.entry);
      }
      dirty.clear();
    }
  };
}

// server/channels/ms-behind.ts
function msBehind(lastTs, ts) {
  const behind = lastTs - ts >>> 0;
  return behind < 2147483648 ? behind : 0;
}

// server/channels/sample-batch.ts
function createSampleBatch(capacity) {
  return {
    providerId: 0,
    receivedAt: 0,
    count: 0,
    keys: new Array(capacity).fill(""),
    channelIds: new Uint16Array(capacity),
    times: new Float64Array(capacity),
    values: new Float32Array(capacity),
    providerTs: new Uint32Array(capacity)
  };
}

// server/channels/channel-table.ts
var log = createLogger("channels");
var COUNT = LIVE.count;
var LAST_SEEN = LIVE.lastSeen;
var LAST_VALUE = LIVE.lastValue;
var LAST_TIME = LIVE.lastTime;
var LAST_PTS = LIVE.lastPts;
var NEWEST_TS = LIVE.newestTs;
var MIN = LIVE.min;
var MAX = LIVE.max;
var ChannelTable = class {
  #entries = /* @__PURE__ */ new Map();
  names = createNameIndex();
  /** Entries added, renamed or re-labelled since the last settle: only they are matched and judged again. */
  touched = /* @__PURE__ */ new Set();
  views;
  #opts;
  #hooks;
  /**
   * Reused for every message (samples$ consumers copy what they keep). Its channelIds, values and providerTs are the
   * input's own columns while every sample is accepted (no copy); from the first refused one on, #compact's.
   */
  #out;
  /** Where accepted samples are compacted once a sample of the message is refused (stale, or no channel). */
  #compact;
  #result;
  /** The accepted samples' slots, beside #out's columns: the provider's history appends them in one call. */
  #history;
  samples = 0;
  staleSamples = 0;
  constructor(opts, hooks, batchCapacity) {
    this.#opts = opts;
    this.#hooks = hooks;
    this.views = createChannelViews(
      () => this.#entries.values(),
      (e) => e.snapshot()
    );
    this.#out = createSampleBatch(batchCapacity);
    const { channelIds, times, values, providerTs } = this.#out;
    this.#compact = { channelIds, values, providerTs };
    this.#result = { batch: this.#out, provisional: false };
    this.#history = { slots: new Uint16Array(batchCapacity), times, values, pts: providerTs };
  }
  get size() {
    return this.#entries.size;
  }
  get(key) {
    return this.#entries.get(key);
  }
  values() {
    return this.#entries.values();
  }
  /** A new channel of `pe`, or null when a cap refuses it (counted). */
  add(pe, channelId, fields, t) {
    if (pe.channels.size >= this.#opts.maxChannelsPerProvider) {
      this.#hooks.drop("channels");
      return null;
    }
    if (this.#entries.size >= this.#opts.maxChannels) {
      this.#hooks.drop("channelsTotal");
      return null;
    }
    const slot = pe.cols.allocate();
    if (slot < 0) {
      this.#hooks.drop("channels");
      return null;
    }
    const e = new ChannelEntry(pe.state.hostId, pe.state.name, channelId, fields, t, pe.cols, slot);
    pe.channels.set(channelId, e);
    this.#entries.set(e.meta.key, e);
    this.names.add(e);
    this.touched.add(e);
    this.#hooks.changed(true);
    this.#hooks.emit({ type: "channel:added", channel: e.snapshot() });
    return e;
  }
  /** Forgets every channel of `pe`. */
  removeAll(pe) {
    for (const e of pe.channels.values()) {
      this.views.detachEntry(e);
      this.#entries.delete(e.meta.key);
      this.names.remove(e);
      this.touched.delete(e);
      pe.tally.forget(e);
      this.#hooks.emit({ type: "channel:removed", channel: e.snapshot() });
    }
    if (pe.channels.size > 0) this.#hooks.changed(true);
    pe.channels.clear();
    pe.byPosition.length = 0;
    pe.cols.reset();
  }
  /** ChannelInfo records: new channels are added, known ones renamed or re-labelled in place. */
  applyInfo(pe, records, t) {
    this.#renameProvider(pe);
    for (const r of records) {
      const fields = { name: r.name, unit: r.unit, vendor: r.vendor, provisional: false };
      const e = pe.channels.get(r.channelId);
      if (!e) {
        this.add(pe, r.channelId, fields, t);
        continue;
      }
      if (!e.differsFrom(fields)) continue;
      const previousName = e.meta.name;
      this.names.remove(e, previousName);
      e.relabel(fields);
      this.names.add(e);
      this.touched.add(e);
      this.#hooks.changed(true);
      if (previousName !== r.name) this.#hooks.emit({ type: "channel:renamed", channel: e.snapshot(), previousName });
    }
  }
  /** The provider's online state or name changed: its channels' display names may change. */
  touchNamesOf(pe) {
    for (const e of pe.channels.values()) this.names.touch(e.meta.name);
    this.#hooks.changed(true);
  }
  /** Copies a provider's new name into its channels (at most once per rename, not per datagram). */
  #renameProvider(pe) {
    const first = pe.channels.values().next().value;
    if (first === void 0 || first.meta.providerName === pe.state.name) return;
    for (const e of pe.channels.values()) {
      e.meta.providerName = pe.state.name;
      this.touched.add(e);
    }
    this.touchNamesOf(pe);
  }
  /**
   * The hot path: one ChannelValues message's records, decoded by the protocol into columns. Per record a Map
   * lookup (only when the channel at that position changed), the stale check, the entry's numbers, and a Sample
   * object only for channel$ views that want one. The output batch shares the input's id, value and timestamp
   * columns while every record is accepted; a refused record switches to compacting into the table's own columns.
   */
  write(pe, receivedAt, input) {
    const { keys, times } = this.#out;
    const inIds = input.channelIds;
    const inTs = input.ts;
    const inValues = input.values;
    let ids = inIds;
    let values = inValues;
    let pts = inTs;
    const window = this.#opts.staleWindowMs;
    const clock = pe.state.clock;
    const synced = clock.synced;
    const byPosition = pe.byPosition;
    const live = pe.cols.live;
    const slots = this.#history.slots;
    let provisional = false;
    let fresh = false;
    let n = 0;
    let newSlots = 0;
    const count = input.count;
    for (let i = 0; i < count; i++) {
      const channelId = inIds[i];
      const ts = inTs[i];
      let e = byPosition[i];
      if (e === void 0 || e.channelId !== channelId) {
        e = pe.channels.get(channelId) ?? this.#provisional(pe, channelId, receivedAt);
        if (e === null) {
          if (ids === inIds) ({ ids, values, pts } = this.#startCompacting(input, n));
          continue;
        }
        byPosition[i] = e;
      }
      const b = e.base;
      const newest = live[b + NEWEST_TS];
      const behind = newest < 0 ? 0 : msBehind(newest, ts);
      if (behind > window && (fresh || !this.#clockWentBack(pe, receivedAt))) {
        this.staleSamples++;
        if (ids === inIds) ({ ids, values, pts } = this.#startCompacting(input, n));
        continue;
      }
      if (behind === 0 || behind > window) live[b + NEWEST_TS] = ts;
      fresh = true;
      if (e.provisional) provisional = true;
      const value = inValues[i];
      const time = synced ? clock.toTime(ts, receivedAt) : receivedAt;
      live[b + LAST_SEEN] = receivedAt;
      live[b + LAST_VALUE] = value;
      live[b + LAST_TIME] = time;
      live[b + LAST_PTS] = ts;
      if (live[b + COUNT]++ === 0) newSlots++;
      if (value < live[b + MIN]) live[b + MIN] = value;
      if (value > live[b + MAX]) live[b + MAX] = value;
      if (e.views.length > 0) this.#deliver(e);
      slots[n] = e.slot;
      keys[n] = e.key;
      times[n] = time;
      if (ids !== inIds) {
        ids[n] = channelId;
        values[n] = value;
        pts[n] = ts;
      }
      n++;
    }
    if (fresh) pe.lastFreshAt = receivedAt;
    this.#finish(pe, receivedAt, ids, values, pts, n, newSlots);
    this.#result.provisional = provisional;
    return this.#result;
  }
  /** The accepted `n` samples go to the provider's history, and the output batch is pointed at their columns. */
  // Columns as separate arguments, not an object: this runs once per datagram.
  #finish(pe, receivedAt, ids, values, pts, n, newSlots) {
    const out = this.#out;
    out.channelIds = ids;
    out.values = values;
    out.providerTs = pts;
    const history = this.#history;
    history.values = values;
    history.pts = pts;
    pe.cols.history.append(history, n, newSlots);
    out.providerId = pe.state.hostId;
    out.receivedAt = receivedAt;
    out.count = n;
    this.samples += n;
  }
  /** A record was refused: the `n` accepted before it are copied to the table's own columns, which take the rest. */
  #startCompacting(input, n) {
    const c = this.#compact;
    c.channelIds.set(input.channelIds.subarray(0, n));
    c.values.set(input.values.subarray(0, n));
    c.providerTs.set(input.ts.subarray(0, n));
    return { ids: c.channelIds, values: c.values, pts: c.providerTs };
  }
  #provisional(pe, channelId, receivedAt) {
    const fields = { name: `Channel ${channelId}`, unit: NO_UNIT, vendor: 0, provisional: true };
    return this.add(pe, channelId, fields, receivedAt);
  }
  /** The channel's subscribers asked for objects: one Sample per sample, shared by every view. */
  #deliver(e) {
    const sample = e.lastSample();
    if (sample === null) return;
    const vs = e.views;
    for (let v = 0; v < vs.length; v++) for (const s of vs[v].subscribers) s.next(sample);
  }
  /**
   * Replayed frames carry old provider timestamps while the provider keeps sending fresh ones; a provider whose clock
   * restarted sends nothing fresh at all. After staleResetMs of only stale samples, its channels start over.
   */
  #clockWentBack(pe, receivedAt) {
    if (receivedAt - pe.lastFreshAt < this.#opts.staleResetMs) return false;
    log.warn(
      { provider: hostHex(pe.state.hostId), staleSamples: this.staleSamples },
      `${pe.state.name}: only old timestamps for ${this.#opts.staleResetMs} ms, its clock went back: starting its channels over`
    );
    for (const e of pe.channels.values()) pe.cols.live[e.base + NEWEST_TS] = -1;
    return true;
  }
};

// server/channels/create-default-quantity-resolver.ts
import { NEVER as NEVER2 } from "rxjs";
var BY_UNIT = {
  0: "time",
  1: "distance",
  2: "speed",
  3: "force",
  4: "power",
  5: "torque",
  6: "temperature",
  7: "pressure",
  8: "rpm",
  9: "gear_ratio",
  10: "acceleration",
  11: "afr",
  12: "flow",
  13: "lambda",
  14: "volts",
  15: "amps",
  16: "percent"
};
var BY_NAME = [
  [/rpm/i, "rpm"],
  [/air\s*\/\s*fuel|\bafr\b/i, "afr"],
  [/lambda/i, "lambda"],
  [/\bmap\b|manifold/i, "map"],
  [/\btps\b|throttle/i, "tps"],
  [/horse|\bhp\b|power/i, "power"],
  [/torque|\btq\b/i, "torque"],
  [/force/i, "force"],
  [/speed|mph|km\/h/i, "speed"],
  [/humid/i, "humidity"],
  [/pressure|baro/i, "pressure"],
  [/temp|\biat\b/i, "temperature"],
  [/volt|batt/i, "volts"],
  [/accel/i, "acceleration"],
  [/distance/i, "distance"]
];
function defaultQuantityOf(channel) {
  const byUnit = BY_UNIT[channel.unit];
  if (byUnit !== void 0) return byUnit;
  for (const [pattern, quantity] of BY_NAME) if (pattern.test(channel.name)) return quantity;
  return null;
}
function createDefaultQuantityResolver() {
  return { quantityOf: defaultQuantityOf, changes$: NEVER2 };
}

// server/channels/default-registry-options.ts
var DEFAULT_REGISTRY_OPTIONS = Object.freeze({
  historyMs: 1e4,
  historyMax: 2e3,
  maxProviders: 64,
  maxChannelsPerProvider: 256,
  staleWindowMs: 1e3,
  staleResetMs: 3e3,
  maxChannels: 4096,
  debugLogEvery: 100
});

// server/channels/mapping-log.ts
var log2 = createLogger("channels");
var UNMAPPED_WARNINGS_PER_PROVIDER = 10;
var NAMES_PER_SUMMARY_LINE = 20;
var MappingLog = class {
  #lastLine = /* @__PURE__ */ new Map();
  #summaries = /* @__PURE__ */ new Map();
  /** Logs the provider's summary when it changed (or always, with `force`). */
  summarize(pe, force = false) {
    const { mapped, unmapped, provisional } = pe.tally.summary(pe.state.hostId);
    const quoted = unmapped.slice(0, NAMES_PER_SUMMARY_LINE);
    const more = unmapped.length > quoted.length ? ` and ${unmapped.length - quoted.length} more` : "";
    const unmappedText = unmapped.length > 0 ? `, ${unmapped.length} unmapped: ${quoted.join(", ")}${more}` : "";
    const waiting = provisional > 0 ? `; ${provisional} awaiting ChannelInfo` : "";
    const line = `${pe.state.name}: ${mapped} channels mapped${unmappedText}${waiting}`;
    if (!force && this.#lastLine.get(pe.state.hostId) === line) return;
    this.#lastLine.set(pe.state.hostId, line);
    this.#summaries.set(pe.state.hostId, { providerId: pe.state.hostId, mapped, unmapped, provisional });
    const fields = {
      provider: hostHex(pe.state.hostId),
      mapped,
      ...quoted.length > 0 ? { unmapped: quoted } : {},
      ...provisional > 0 ? { provisional } : {}
    };
    log2.info(fields, line);
  }
  /** One warning per unmapped channel, up to a limit per provider. */
  warnUnmapped(pe, e) {
    if (e.warnedUnmapped || pe.warned > UNMAPPED_WARNINGS_PER_PROVIDER) return;
    e.warnedUnmapped = true;
    pe.warned++;
    const provider = hostHex(pe.state.hostId);
    if (pe.warned > UNMAPPED_WARNINGS_PER_PROVIDER) {
      log2.warn({ provider }, `${pe.state.name} has more unmapped channels: only its summary lists them`);
      return;
    }
    log2.warn(
      { provider, channel: e.meta.name, unit: e.meta.unit },
      `channel "${e.meta.name}" of ${pe.state.name} maps to no known quantity`
    );
  }
  /** Judges these channels again and logs the summaries that changed. */
  judge(touched, providerOf) {
    const changedProviders = /* @__PURE__ */ new Set();
    for (const e of touched) {
      const pe = providerOf(e);
      if (!pe || pe.channels.get(e.meta.channelId) !== e) continue;
      if (pe.tally.judge(e) !== null) changedProviders.add(pe);
      if (e.judged === "unmapped") this.warnUnmapped(pe, e);
    }
    for (const pe of changedProviders) this.summarize(pe);
  }
  /**
   * Overrides changed: every channel is judged again, once per change. Only what changed is logged (the store logs
   * the write itself): a summary that reads the same and a channel that was unmapped before stay quiet.
   */
  rejudgeAll(providers) {
    for (const pe of providers) {
      for (const e of pe.channels.values()) {
        const before = e.judged;
        pe.tally.judge(e);
        if (e.judged === "unmapped" && before !== "unmapped") {
          e.warnedUnmapped = false;
          this.warnUnmapped(pe, e);
        }
      }
      this.summarize(pe);
    }
  }
  forget(hostId) {
    this.#lastLine.delete(hostId);
    this.#summaries.delete(hostId);
  }
  /** Per provider, as last logged (copies). */
  summaries() {
    return [...this.#summaries.values()].map((m) => ({ ...m, unmapped: [...m.unmapped] }));
  }
};

// server/channels/create-mapping-tally.ts
function createMappingTally(resolver) {
  let mapped = 0;
  let provisional = 0;
  const unmapped = /* @__PURE__ */ new Set();
  const forget = (entry) => {
    if (entry.judged === "mapped") mapped--;
    else if (entry.judged === "provisional") provisional--;
    else if (entry.judged === "unmapped") unmapped.delete(entry);
    entry.judged = null;
  };
  return {
    judge(entry) {
      const before = entry.judged;
      forget(entry);
      const judged = entry.meta.provisional ? "provisional" : resolver.quantityOf(entry.meta) === null ? "unmapped" : "mapped";
      entry.judged = judged;
      if (judged === "mapped") mapped++;
      else if (judged === "provisional") provisional++;
      else unmapped.add(entry);
      return judged === before ? null : judged;
    },
    forget,
    summary: (providerId) => ({
      providerId,
      mapped,
      unmapped: [...unmapped].map((entry) => entry.meta.name),
      provisional
    })
  };
}

// server/channels/provider-table.ts
var ProviderEntry = class {
  constructor(state, resolver, shape) {
    this.state = state;
    this.tally = createMappingTally(resolver);
    this.cols = new ProviderColumns(shape.maxChannels, shape.history);
  }
  state;
  channels = /* @__PURE__ */ new Map();
  /**
   * The entry met at each record position of the last ChannelValues message: providers send their channels in the
   * same order every time, so the hot path checks this before the Map. Cleared with the channels.
   */
  byPosition = [];
  /** Receive time of the last sample that was not stale (see RegistryOptions.staleResetMs). */
  lastFreshAt = 0;
  tally;
  /** Unmapped channels warned about so far (see MappingLog). */
  warned = 0;
  /** Its channels' live numbers and recent samples, by slot. */
  cols;
  snapshot() {
    const s = this.state;
    return {
      hostId: s.hostId,
      hostHex: hostHex(s.hostId),
      name: s.name,
      address: s.address,
      port: s.port,
      online: s.online,
      incompatible: s.incompatible,
      version: s.version,
      channelCount: this.channels.size,
      clock: { synced: s.clock.synced, offsetMs: s.clock.offsetMs, latencyMs: s.clock.latencyMs },
      seq: { ...s.seq },
      firstSeen: s.firstSeen,
      lastSeen: s.lastSeen,
      ...s.conflicts ? { conflicts: { ...s.conflicts } } : {}
    };
  }
};
var ProviderTable = class {
  #providers = /* @__PURE__ */ new Map();
  #max;
  #resolver;
  #onRefused;
  #shape;
  constructor(max, shape, resolver, onRefused) {
    this.#max = max;
    this.#shape = shape;
    this.#resolver = resolver;
    this.#onRefused = onRefused;
  }
  get size() {
    return this.#providers.size;
  }
  get(hostId) {
    return this.#providers.get(hostId);
  }
  /** The provider's entry, created when new; null when the table is full. `onAdded` runs for a new one. */
  ensure(p, onAdded) {
    const existing = this.#providers.get(p.hostId);
    if (existing) return existing;
    if (this.#providers.size >= this.#max) {
      this.#onRefused();
      return null;
    }
    const pe = new ProviderEntry(p, this.#resolver, this.#shape);
    this.#providers.set(p.hostId, pe);
    onAdded();
    return pe;
  }
  delete(hostId) {
    this.#providers.delete(hostId);
  }
  values() {
    return this.#providers.values();
  }
  snapshots() {
    return [...this.#providers.values()].map((pe) => pe.snapshot());
  }
};

// server/channels/registry-writer.ts
var log3 = createLogger("channels");
var RegistryWriter = class {
  #p;
  constructor(parts) {
    this.#p = parts;
  }
  #providerOf = (e) => this.#p.providers.get(e.meta.providerId);
  #ensure(p) {
    return this.#p.providers.ensure(p, () => this.#p.catalog.changed(false));
  }
  /** Ends every sink call: structural changes refresh names, views and summaries of what they touched. */
  #settle(mappingOf) {
    if (!this.#p.catalog.dirty) return;
    const { channels, mappingLog } = this.#p;
    this.#p.catalog.settle(() => {
      const touched = channels.touched;
      channels.names.assign(
        (e) => this.#providerOf(e)?.state.online ?? false,
        (e) => touched.add(e)
      );
      channels.views.reevaluate(touched);
      mappingLog.judge(touched, this.#providerOf);
      touched.clear();
      if (mappingOf) mappingLog.summarize(mappingOf);
    });
  }
  providerChanged(p, change) {
    if (change === "removed") this.#removeProvider(p);
    else this.#updateProvider(p, change);
  }
  channelInfo(p, records) {
    const pe = this.#ensure(p);
    if (!pe) return;
    this.#p.channels.applyInfo(pe, records, this.#p.now());
    this.#settle(pe);
  }
  channelsCleared(p) {
    const pe = this.#ensure(p);
    if (!pe) return;
    this.#p.channels.removeAll(pe);
    this.#p.catalog.changed(false);
    this.#p.events$.next({ type: "provider:cleared", provider: pe.snapshot() });
    log3.info({ provider: hostHex(p.hostId) }, `${p.name} cleared its channel list`);
    this.#settle(pe);
  }
  channelValues(p, receivedAt, values) {
    const pe = this.#p.providers.get(p.hostId) ?? this.#ensure(p);
    if (!pe) return false;
    const { batch, provisional } = this.#p.channels.write(pe, receivedAt, values);
    const every = this.#p.opts.debugLogEvery;
    if (p.valueMessages === 1 || every > 0 && p.valueMessages % every === 0) this.#logChannelsSeen(pe);
    this.#settle(pe);
    if (batch.count > 0) this.#p.samples$.next(batch);
    return provisional;
  }
  #removeProvider(p) {
    const pe = this.#p.providers.get(p.hostId);
    if (!pe) return;
    this.#p.channels.removeAll(pe);
    this.#p.providers.delete(p.hostId);
    this.#p.mappingLog.forget(p.hostId);
    this.#p.catalog.changed(true);
    this.#settle();
  }
  #updateProvider(p, change) {
    const pe = this.#ensure(p);
    if (!pe) return;
    const { channels, catalog, events$ } = this.#p;
    catalog.changed(false);
    if (change === "added" || change === "online" || change === "offline") {
      channels.touchNamesOf(pe);
      const type = change === "offline" ? "provider:offline" : "provider:online";
      events$.next({ type, provider: pe.snapshot() });
    } else if (change === "incompatible") {
      channels.removeAll(pe);
      events$.next({ type: "provider:incompatible", provider: pe.snapshot() });
    } else if (change === "conflict") {
      events$.next({ type: "provider:conflict", provider: pe.snapshot() });
    }
    this.#settle();
  }
  #logChannelsSeen(pe) {
    if (!log3.isLevelEnabled("debug")) return;
    const p = pe.state;
    const names = [...pe.channels.values()].map((e) => e.meta.name);
    log3.debug(
      { provider: hostHex(p.hostId), messages: p.valueMessages, channels: names },
      `${p.name}: ${names.length} channels seen`
    );
  }
};

// server/channels/create-channel-registry.ts
function createChannelRegistry(options = {}, deps = {}) {
  const opts = { ...DEFAULT_REGISTRY_OPTIONS, ...options };
  const counters = deps.counters ?? createNodeCounters();
  const resolver = deps.resolver ?? createDefaultQuantityResolver();
  const now = deps.now ?? (() => Date.now());
  const drops = {};
  const drop = (name) => {
    drops[name] = (drops[name] ?? 0) + 1;
  };
  const samples$ = new Subject2();
  const events$ = new Subject2();
  const shape = {
    maxChannels: opts.maxChannelsPerProvider,
    history: { maxPerChannel: opts.historyMax, maxAgeMs: opts.historyMs }
  };
  const providers = new ProviderTable(opts.maxProviders, shape, resolver, () => drop("providers"));
  const buildCatalog = () => {
    const t = now();
    const channels2 = [];
    for (const pe of providers.values())
      for (const e of pe.channels.values()) channels2.push(e.rateSnapshot(t, opts.historyMs));
    return { version: catalog.version, providers: providers.snapshots(), channels: channels2 };
  };
  const catalog = new CatalogPublisher(buildCatalog);
  const channels = new ChannelTable(
    opts,
    { changed: (structural) => catalog.changed(structural), emit: (event) => events$.next(event), drop },
    MAX_CHANNEL_VALUE_RECORDS
  );
  const mappingLog = new MappingLog();
  const sink = new RegistryWriter({ opts, now, providers, channels, catalog, mappingLog, samples$, events$ });
  const resolverSubscription = resolver.changes$.subscribe(
    () => mappingLog.rejudgeAll(providers.values())
  );
  return {
    sink,
    viewCount: channels.views.count,
    mapping: () => mappingLog.summaries(),
    catalog$: catalog.catalog$,
    samples$: samples$.asObservable(),
    events$: events$.asObservable(),
    channel$: channels.views.channel$,
    catalog: buildCatalog,
    forEachChannel(visit) {
      for (const e of channels.values()) visit(e.meta);
    },
    providers: () => providers.snapshots(),
    channelCount: () => channels.size,
    getChannel: (key) => channels.get(key)?.rateSnapshot(now(), opts.historyMs),
    history: (key, sinceMs) => channels.get(key)?.history(now(), opts.historyMs, sinceMs) ?? [],
    stats: () => buildIngestStats(
      counters,
      { samples: channels.samples, staleSamples: channels.staleSamples, drops },
      providers.values()
    ),
    dispose() {
      resolverSubscription.unsubscribe();
      samples$.complete();
      events$.complete();
      catalog.complete();
      channels.views.completeAll();
    }
  };
}

// server/jetdrive/create-source-guard.ts
var addressText = (address, port) => `${address}:${port}`;
function createSourceGuard(options) {
  const reportedAt = /* @__PURE__ */ new WeakMap();
  return {
    policy: options.policy,
    check(p, from, now) {
      if (from.address === p.address && from.port === p.port) return "ok";
      if (now - p.lastSeen >= options.moveAfterMs) {
        p.address = from.address;
        p.port = from.port;
        return "moved";
      }
      const lastAddress = addressText(from.address, from.port);
      const owner = addressText(p.address, p.port);
      const c = p.conflicts ?? { count: 0, owner, lastAddress, lastAt: now };
      c.count++;
      c.owner = owner;
      c.lastAddress = lastAddress;
      c.lastAt = now;
      p.conflicts = c;
      const last = reportedAt.get(c);
      const report = last === void 0 || now - last >= options.reportIntervalMs;
      if (report) reportedAt.set(c, now);
      return { conflict: options.policy === "drop" ? "dropped" : "flagged", report };
    }
  };
}

// server/jetdrive/create-id-change-limiter.ts
var log4 = createLogger("jetdrive");
function createIdChangeLimiter(minIntervalMs, counters) {
  let lastChangeAt = Number.NEGATIVE_INFINITY;
  return {
    allow(now, from) {
      if (now - lastChangeAt >= minIntervalMs) {
        lastChangeAt = now;
        return true;
      }
      counters.collisionsSuppressed++;
      if (counters.collisionsSuppressed === 1 || counters.collisionsSuppressed % 1e3 === 0) {
        const address = addressText(from.address, from.port);
        log4.warn(
          { from: address, suppressed: counters.collisionsSuppressed },
          `frames under our host id from ${address}: it changed less than ${minIntervalMs} ms ago, keeping it`
        );
      }
      return false;
    }
  };
}

// server/shared/create-rate-limiter.ts
var DEFAULT_RATE_LIMIT_OPTIONS = Object.freeze({
  ratePerMin: 120,
  burst: 30,
  maxClients: 1e4
});
function createRateLimiter(options = {}, clock = Date.now) {
  const o = { ...DEFAULT_RATE_LIMIT_OPTIONS, ...options };
  if (!(o.ratePerMin > 0)) throw new Error(`ratePerMin: must be > 0, got ${o.ratePerMin}`);
  if (!(o.burst >= 1)) throw new Error(`burst: must be >= 1, got ${o.burst}`);
  if (!(o.maxClients >= 1)) throw new Error(`maxClients: must be >= 1, got ${o.maxClients}`);
  const perMs = o.ratePerMin / 6e4;
  const buckets = /* @__PURE__ */ new Map();
  let limited = 0;
  let evicted = 0;
  const retryAfter = (tokens) => Math.max(1, Math.ceil((1 - tokens) / perMs / 1e3));
  return {
    take(client, now = clock()) {
      let bucket = buckets.get(client);
      if (bucket) {
        buckets.delete(client);
        bucket.tokens = Math.min(o.burst, bucket.tokens + Math.max(0, now - bucket.at) * perMs);
        bucket.at = now;
      } else {
        if (buckets.size >= o.maxClients) {
          const oldest = buckets.keys().next().value;
          if (oldest !== void 0) buckets.delete(oldest);
          evicted++;
        }
        bucket = { tokens: o.burst, at: now };
      }
      buckets.set(client, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { ok: true };
      }
      limited++;
      return { ok: false, retryAfterS: retryAfter(bucket.tokens) };
    },
    peek(client, now = clock()) {
      const bucket = buckets.get(client);
      if (!bucket) return { ok: true };
      const tokens = Math.min(o.burst, bucket.tokens + Math.max(0, now - bucket.at) * perMs);
      if (tokens >= 1) return { ok: true };
      limited++;
      return { ok: false, retryAfterS: retryAfter(tokens) };
    },
    forget(client) {
      buckets.delete(client);
    },
    stats: () => ({ clients: buckets.size, limited, evicted })
  };
}

// server/jetdrive/create-pong-limiter.ts
var DEFAULT_PONG_LIMITER_OPTIONS = Object.freeze({
  perHostPerS: 2,
  perHostBurst: 5,
  totalPerS: 50,
  maxHosts: 256,
  maxEchoBytes: 64,
  claimAnswerIntervalMs: 1e3
});
function createPongLimiter(options = {}) {
  const o = { ...DEFAULT_PONG_LIMITER_OPTIONS, ...options };
  const perHost = createRateLimiter({
    ratePerMin: o.perHostPerS * 60,
    burst: o.perHostBurst,
    maxClients: o.maxHosts
  });
  const total = createRateLimiter({ ratePerMin: o.totalPerS * 60, burst: Math.max(1, o.totalPerS), maxClients: 1 });
  const suppressed = { perHost: 0, total: 0, oversizeEcho: 0, claim: 0 };
  let answered = 0;
  let lastClaimAnswer = Number.NEGATIVE_INFINITY;
  const refuse = (reason) => {
    suppressed[reason]++;
    return reason;
  };
  return {
    refusal(host, echoBytes, now) {
      if (echoBytes > o.maxEchoBytes) return refuse("oversizeEcho");
      if (host === 0) {
        if (now - lastClaimAnswer < o.claimAnswerIntervalMs) return refuse("claim");
        lastClaimAnswer = now;
      } else {
        if (!perHost.take(String(host), now).ok) return refuse("perHost");
        if (!total.take("all", now).ok) return refuse("total");
      }
      answered++;
      return null;
    },
    stats() {
      const s = perHost.stats();
      return { answered, suppressed: { ...suppressed }, hosts: s.clients, hostsEvicted: s.evicted };
    }
  };
}

// server/jetdrive/default-node-options.ts
var DEFAULT_NODE_OPTIONS = Object.freeze({
  passive: false,
  claimMs: 1e3,
  offlineAfterMs: 5e3,
  pingIntervalMs: 1e4,
  requestInfoIntervalMs: 2e3,
  checkIntervalMs: 0,
  maxProviders: 64,
  maxEvictionsPerS: 10,
  hostId: null,
  pong: DEFAULT_PONG_LIMITER_OPTIONS,
  sourcePolicy: "drop",
  conflictReportIntervalMs: 1e4,
  hostIdChangeMinIntervalMs: 3e4,
  channelInfoBudgetMs: 2,
  maxQueuedChannelInfoRecords: 4096
});

// server/jetdrive/host-id-claim.ts
var log5 = createLogger("jetdrive");
var HostIdClaim = class {
  #id = null;
  #claiming = false;
  #seen = /* @__PURE__ */ new Set();
  #nonce = null;
  #timer = null;
  #wake = null;
  #deps;
  constructor(deps) {
    this.#deps = deps;
  }
  get id() {
    return this.#id;
  }
  get claiming() {
    return this.#claiming;
  }
  /** A fixed id instead of a claim. */
  assign(id) {
    this.#id = id;
  }
  /** A frame from `host` arrived: while claiming, that id is taken. */
  noteHost(host) {
    if (this.#claiming && host !== 0) this.#seen.add(host);
  }
  /**
   * Sends the claim Ping (through `sendPing`, with our nonce as echo), listens for claimMs (or until stop), then
   * picks an id unless `stopped()` says the node stopped meanwhile.
   */
  async claim(sendPing, stopped) {
    this.#claiming = true;
    this.#seen.clear();
    const nonce = new Uint8Array(MAX_PING_ECHO_BYTES);
    for (let i = 0; i < nonce.length; i++) nonce[i] = Math.floor(this.#deps.random() * 256);
    this.#nonce = nonce;
    sendPing(nonce);
    await new Promise((resolve) => {
      this.#wake = resolve;
      this.#timer = setTimeout(resolve, this.#deps.claimMs);
    });
    this.#timer = null;
    this.#wake = null;
    this.#claiming = false;
    if (stopped()) return;
    const taken = /* @__PURE__ */ new Set([...this.#seen, ...this.#deps.knownHosts()]);
    this.#id = pickHostId(taken, this.#deps.random);
    log5.info({ hostId: hostHex(this.#id), hostsSeen: taken.size }, `claimed JetDrive host id ${hostHex(this.#id)}`);
  }
  /** Our own claim Ping, looped back to us. */
  isOwnClaimPing(f) {
    const nonce = this.#nonce;
    if (f.type !== "Ping" || nonce === null || f.echo.length !== nonce.length) return false;
    for (let i = 0; i < nonce.length; i++) if (f.echo[i] !== nonce[i]) return false;
    return true;
  }
  /** Another node sent our id as host and destination: pick a new id, unless it changed too recently. */
  collision(from, now) {
    if (!this.#deps.idChanges.allow(now, from)) return;
    this.#deps.counters.collisions++;
    const old = this.#id;
    const taken = new Set(this.#deps.knownHosts());
    if (old !== null) taken.add(old);
    this.#id = pickHostId(taken, this.#deps.random);
    log5.warn(
      { old: old === null ? null : hostHex(old), new: hostHex(this.#id) },
      `host id collision: another node uses ${old === null ? "?" : hostHex(old)}; now using ${hostHex(this.#id)}`
    );
  }
  /** Ends a claim in progress (its promise resolves). */
  stop() {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#claiming = false;
    this.#wake?.();
  }
};

// server/jetdrive/clock-sync.ts
var U32 = 4294967296;
var MAX_ROUND_TRIP_MS = 1e4;
function u32Clock(now) {
  return Math.floor(now) >>> 0;
}
function createClockSync() {
  let offsetMs = null;
  let latencyMs = null;
  let anchor = -1;
  const unwrap = (ts) => {
    if (anchor < 0) {
      anchor = ts >>> 0;
      return anchor;
    }
    const low = anchor % U32;
    anchor += (ts >>> 0) - low | 0;
    return anchor;
  };
  return {
    get synced() {
      return offsetMs !== null;
    },
    get offsetMs() {
      return offsetMs;
    },
    get latencyMs() {
      return latencyMs;
    },
    onPong(hostTs, remoteTs, now) {
      const roundTrip = u32Clock(now) - (hostTs >>> 0) >>> 0;
      if (roundTrip > MAX_ROUND_TRIP_MS) return false;
      const latency = roundTrip / 2;
      const remote = unwrap(remoteTs);
      if (latencyMs === null || latency <= latencyMs) {
        latencyMs = latency;
        offsetMs = now - remote;
      }
      return true;
    },
    adopt(offset, latency) {
      offsetMs = offset;
      latencyMs = latency;
    },
    toTime(providerTs, receivedAt) {
      if (offsetMs === null || latencyMs === null) return receivedAt;
      return unwrap(providerTs) + offsetMs - latencyMs;
    }
  };
}

// server/jetdrive/sequence-tracker.ts
function createSequenceTracker() {
  const counters = { received: 0, dropped: 0, outOfOrder: 0, first: 0, duplicates: 0 };
  let last = -1;
  return {
    counters,
    track(seq) {
      counters.received++;
      if (last < 0) {
        last = seq & 255;
        counters.first++;
        return "first";
      }
      const distance = seq - last & 255;
      if (distance === 0) {
        counters.duplicates++;
        return "duplicate";
      }
      if (distance < 128) {
        last = seq & 255;
        if (distance === 1) return "in-order";
        counters.dropped += distance - 1;
        return "gap";
      }
      counters.outOfOrder++;
      return "out-of-order";
    }
  };
}

// server/jetdrive/node-provider.ts
function createNodeProvider(host, from, t) {
  const tracker = createSequenceTracker();
  return {
    hostId: host,
    name: `Provider ${hostHex(host)}`,
    address: from.address,
    port: from.port,
    online: true,
    incompatible: false,
    version: null,
    seq: tracker.counters,
    clock: createClockSync(),
    firstSeen: t,
    lastSeen: t,
    valueMessages: 0,
    tracker,
    announced: false,
    lastPingAt: null,
    lastInfoRequestAt: null,
    named: false
  };
}

// server/jetdrive/pick-eviction-victim.ts
function providerValue(p) {
  const values = p.valueMessages > 0;
  if (values && p.named) return 2;
  return values || p.named ? 1 : 0;
}
function pickEvictionVictim(providers) {
  let victim = null;
  let victimRank = 0;
  for (const p of providers) {
    const value = providerValue(p);
    if (p.online && value === 2) continue;
    const rank = (p.online ? 3 : 0) + value;
    if (victim === null || rank < victimRank || rank === victimRank && p.lastSeen < victim.lastSeen) {
      victim = p;
      victimRank = rank;
    }
  }
  return victim;
}

// server/jetdrive/node-provider-table.ts
var log6 = createLogger("jetdrive");
var NodeProviderTable = class {
  #providers = /* @__PURE__ */ new Map();
  #deps;
  #evictionBudget;
  constructor(deps) {
    this.#deps = deps;
    this.#evictionBudget = createRateLimiter({
      ratePerMin: deps.maxEvictionsPerS * 60,
      burst: Math.max(1, deps.maxEvictionsPerS),
      maxClients: 1
    });
  }
  get size() {
    return this.#providers.size;
  }
  get(host) {
    return this.#providers.get(host);
  }
  /** Still the table's entry for its host (not evicted meanwhile). */
  holds(p) {
    return this.#providers.get(p.hostId) === p;
  }
  values() {
    return this.#providers.values();
  }
  hostIds() {
    return this.#providers.keys();
  }
  /**
   * The provider for `host`, admitted when new (`crowded` tells the caller it came in by eviction); null when the
   * table is full and no host may be evicted now (counted as a `providers` drop).
   */
  admit(host, from, t) {
    const existing = this.#providers.get(host);
    if (existing) return { p: existing, isNew: false, crowded: false };
    const crowded = this.#providers.size >= this.#deps.maxProviders;
    if (crowded && !this.#evict(t)) {
      const drops = this.#deps.counters.drops;
      drops.providers = (drops.providers ?? 0) + 1;
      return null;
    }
    const p = createNodeProvider(host, from, t);
    this.#providers.set(host, p);
    const fields = { provider: hostHex(host), address: from.address };
    if (crowded) log6.debug(fields, `new JetDrive host ${hostHex(host)} at ${from.address}`);
    else log6.info(fields, `new JetDrive host ${hostHex(host)} at ${from.address}`);
    return { p, isNew: true, crowded };
  }
  #evict(t) {
    const victim = pickEvictionVictim(this.#providers.values());
    if (victim === null || !this.#evictionBudget.take("evict", t).ok) return false;
    const counters = this.#deps.counters;
    this.#providers.delete(victim.hostId);
    counters.evictions++;
    if (victim.announced) this.#deps.removed(victim);
    const message = `provider table full: forgot ${victim.online ? "online" : "offline"} provider ${victim.name} to make room (${counters.evictions} evictions so far)`;
    const fields = { provider: hostHex(victim.hostId), online: victim.online, evictions: counters.evictions };
    if (counters.evictions === 1 || counters.evictions % 100 === 0) log6.warn(fields, message);
    else log6.debug(fields, message);
    return true;
  }
  incompatible() {
    return [...this.#providers.values()].filter((p) => p.incompatible).map((p) => ({ hostId: p.hostId, hostHex: hostHex(p.hostId), name: p.name, version: p.version }));
  }
};

// server/protocol/frame-decode-error.ts
var FRAME_DECODE_STATUS = Object.freeze({
  TOO_SHORT: 400,
  LENGTH_MISMATCH: 400,
  TRUNCATED_FIELD: 400,
  BAD_CHANNEL_INFO_LENGTH: 400
});
var FrameDecodeError = class extends CodedError {
  offset;
  constructor(code, offset, message) {
    super(code, FRAME_DECODE_STATUS[code], message);
    this.offset = offset;
  }
};

// server/jetdrive/accept-source.ts
var log7 = createLogger("jetdrive");
function acceptSource(guard, counters, onConflict, p, from, now) {
  const verdict = guard.check(p, from, now);
  if (verdict === "ok") return true;
  const host = hostHex(p.hostId);
  if (verdict === "moved") {
    const address = addressText(p.address, p.port);
    log7.info({ provider: host, address }, `provider ${p.name} (${host}) now sends from ${address}`);
    return true;
  }
  counters.conflicts[verdict.conflict] = (counters.conflicts[verdict.conflict] ?? 0) + 1;
  const c = p.conflicts;
  if (verdict.report && c) {
    log7.warn(
      { provider: host, owner: c.owner, from: c.lastAddress, frames: c.count, action: verdict.conflict },
      `provider conflict: frames for ${p.name} (${host}) from ${c.lastAddress}, but it sends from ${c.owner} (possible spoofing; ${verdict.conflict})`
    );
    if (p.announced) onConflict(p);
  }
  return verdict.conflict === "flagged";
}

// server/jetdrive/address-verdict.ts
function addressVerdict(host, destination, ourId, claiming) {
  if (host === ALL_HOSTS) return "fromAllHosts";
  if (ourId !== null && host === ourId) return destination === ourId ? "collision" : "ownMessages";
  const forUs = destination === ALL_HOSTS || ourId !== null && destination === ourId || claiming && destination === 0;
  if (!forUs) return "notForUs";
  return host === 0 ? "claim" : "provider";
}

// server/protocol/decode-channel-values-into.ts
var CHANNEL_ID_AT = 0;
var TS_AT = 2;
var VALUE_AT = 6;
function decodeChannelValuesInto(bytes, length, into) {
  const count = Math.min(length / CHANNEL_VALUE_RECORD_SIZE | 0, into.capacity);
  const view = new DataView(bytes.buffer, bytes.byteOffset + HEADER_SIZE, count * CHANNEL_VALUE_RECORD_SIZE);
  const ids = into.channelIds;
  const ts = into.ts;
  const values = into.values;
  for (let i = 0, o = 0; i < count; i++, o += CHANNEL_VALUE_RECORD_SIZE) {
    ids[i] = view.getUint16(o + CHANNEL_ID_AT, true);
    ts[i] = view.getUint32(o + TS_AT, true);
    values[i] = view.getFloat32(o + VALUE_AT, true);
  }
  into.count = count;
  return length - count * CHANNEL_VALUE_RECORD_SIZE;
}

// server/protocol/copy-bytes.ts
function copyBytes(bytes, start, end) {
  return new Uint8Array(bytes.subarray(start, end));
}

// server/protocol/read-fixed-string.ts
var decoder = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });
function readFixedString(bytes, offset, size) {
  const end = offset + size;
  let stop = offset;
  while (stop < end && bytes[stop] !== 0) stop++;
  if (stop === offset) return "";
  return decoder.decode(bytes.subarray(offset, stop));
}

// server/protocol/decode-channel-info.ts
function decodeChannelInfo(bytes, length, host, seq, destination, trailingBytes) {
  if (length < PROVIDER_NAME_SIZE) {
    throw new FrameDecodeError(
      "BAD_CHANNEL_INFO_LENGTH",
      HEADER_SIZE,
      `ChannelInfo providerName at offset ${HEADER_SIZE} needs ${PROVIDER_NAME_SIZE} bytes, value length is ${length}`
    );
  }
  const providerName = readFixedString(bytes, HEADER_SIZE, PROVIDER_NAME_SIZE);
  const recordBytes = length - PROVIDER_NAME_SIZE;
  const count = recordBytes / CHANNEL_INFO_RECORD_SIZE | 0;
  const channels = new Array(count);
  for (let i = 0, o = HEADER_SIZE + PROVIDER_NAME_SIZE; i < count; i++, o += CHANNEL_INFO_RECORD_SIZE) {
    channels[i] = {
      channelId: bytes[o] | bytes[o + 1] << 8,
      vendor: bytes[o + 2],
      name: readFixedString(bytes, o + 3, CHANNEL_NAME_SIZE),
      unit: bytes[o + 3 + CHANNEL_NAME_SIZE]
    };
  }
  return {
    type: "ChannelInfo",
    key: 1,
    host,
    seq,
    destination,
    providerName,
    channels,
    trailingBytes,
    partialRecordBytes: recordBytes - count * CHANNEL_INFO_RECORD_SIZE,
    extraValueBytes: 0
  };
}

// server/protocol/decode-channel-values.ts
function decodeChannelValues(bytes, length, host, seq, destination, trailingBytes) {
  const count = length / CHANNEL_VALUE_RECORD_SIZE | 0;
  const view = new DataView(bytes.buffer, bytes.byteOffset + HEADER_SIZE, count * CHANNEL_VALUE_RECORD_SIZE);
  const samples = new Array(count);
  for (let i = 0, o = 0; i < count; i++, o += CHANNEL_VALUE_RECORD_SIZE) {
    samples[i] = {
      channelId: view.getUint16(o, true),
      ts: view.getUint32(o + 2, true),
      value: view.getFloat32(o + 6, true)
    };
  }
  return {
    type: "ChannelValues",
    key: 2,
    host,
    seq,
    destination,
    samples,
    trailingBytes,
    partialRecordBytes: length - count * CHANNEL_VALUE_RECORD_SIZE,
    extraValueBytes: 0
  };
}

// server/protocol/need-field.ts
function needField(message, field, offset, width, valueEnd) {
  if (offset + width > valueEnd) {
    throw new FrameDecodeError(
      "TRUNCATED_FIELD",
      offset,
      `${message} ${field} at offset ${offset} needs ${width} byte(s), value has ${Math.max(0, valueEnd - offset)} left (value length ${valueEnd - 8})`
    );
  }
}

// server/protocol/decode-extended.ts
var V = HEADER_SIZE;
var LOGGING_TIMESTAMP_OFFSET = V + 3;
var LOGGING_RESPONSE_LENGTH = 7;
var LOAD_CONTROL_LENGTH = 6;
function decodeExtended(bytes, key, length, host, seq, destination, trailingBytes) {
  const end = V + length;
  const common = (extra) => ({
    host,
    seq,
    destination,
    trailingBytes,
    partialRecordBytes: 0,
    extraValueBytes: extra
  });
  switch (key) {
    case KEY.RequestLogging:
      needField("RequestLogging", "command", V, 1, end);
      return { type: "RequestLogging", key: KEY.RequestLogging, command: bytes[V], ...common(length - 1) };
    case KEY.LoggingResponse: {
      needField("LoggingResponse", "state", V, 1, end);
      if (length > 1) needField("LoggingResponse", "timestamp", LOGGING_TIMESTAMP_OFFSET, 4, end);
      const timestamp = length > 1 ? (bytes[LOGGING_TIMESTAMP_OFFSET] | bytes[LOGGING_TIMESTAMP_OFFSET + 1] << 8 | bytes[LOGGING_TIMESTAMP_OFFSET + 2] << 16 | bytes[LOGGING_TIMESTAMP_OFFSET + 3] << 24) >>> 0 : null;
      return {
        type: "LoggingResponse",
        key: KEY.LoggingResponse,
        state: bytes[V],
        timestamp,
        ...common(length > 1 ? length - LOGGING_RESPONSE_LENGTH : 0)
      };
    }
    case KEY.RequestLoadControl:
    case KEY.LoadControlResponse: {
      const name = key === KEY.RequestLoadControl ? "RequestLoadControl" : "LoadControlResponse";
      needField(name, "enable", V, 1, end);
      needField(name, "controlType", V + 1, 1, end);
      needField(name, "target", V + 2, 4, end);
      const target = new DataView(bytes.buffer, bytes.byteOffset + V + 2, 4).getFloat32(0, true);
      const body = {
        enable: bytes[V],
        controlType: bytes[V + 1],
        target,
        ...common(length - LOAD_CONTROL_LENGTH)
      };
      return key === KEY.RequestLoadControl ? { type: "RequestLoadControl", key: KEY.RequestLoadControl, ...body } : { type: "LoadControlResponse", key: KEY.LoadControlResponse, ...body };
    }
    case KEY.RequestBrake:
      needField("RequestBrake", "command", V, 1, end);
      return { type: "RequestBrake", key: KEY.RequestBrake, command: bytes[V], ...common(length - 1) };
    case KEY.BrakeResponse:
      needField("BrakeResponse", "state", V, 1, end);
      return { type: "BrakeResponse", key: KEY.BrakeResponse, state: bytes[V], ...common(length - 1) };
    default:
      return void 0;
  }
}

// server/protocol/decode-ping-pong.ts
var V2 = HEADER_SIZE;
var VERSION_OFFSET = V2;
var HOST_TS_OFFSET = V2 + 1;
var REMOTE_TS_OFFSET = V2 + 5;
var PING_FIXED_LENGTH = 5;
var PONG_FIXED_LENGTH = 9;
function readU32(bytes, o) {
  return (bytes[o] | bytes[o + 1] << 8 | bytes[o + 2] << 16 | bytes[o + 3] << 24) >>> 0;
}
function decodePingPong(bytes, key, length, host, seq, destination, trailingBytes) {
  const end = V2 + length;
  const name = key === KEY.Ping ? "Ping" : "Pong";
  needField(name, "version", VERSION_OFFSET, 1, end);
  needField(name, "hostTs", HOST_TS_OFFSET, 4, end);
  const counters = { trailingBytes, partialRecordBytes: 0, extraValueBytes: 0 };
  const version = bytes[VERSION_OFFSET];
  const hostTs = readU32(bytes, HOST_TS_OFFSET);
  if (key === KEY.Ping) {
    const echo2 = copyBytes(bytes, V2 + PING_FIXED_LENGTH, end);
    return { type: "Ping", key: KEY.Ping, host, seq, destination, version, hostTs, echo: echo2, ...counters };
  }
  needField(name, "remoteTs", REMOTE_TS_OFFSET, 4, end);
  const remoteTs = readU32(bytes, REMOTE_TS_OFFSET);
  const echo = copyBytes(bytes, V2 + PONG_FIXED_LENGTH, end);
  return { type: "Pong", key: KEY.Pong, host, seq, destination, version, hostTs, remoteTs, echo, ...counters };
}

// server/protocol/read-header.ts
var HEADER_FIELDS = [
  ["key", 0, 1],
  ["length", 1, 2],
  ["host", 3, 2],
  ["seq", 5, 1],
  ["destination", 6, 2]
];
function checkHeader(bytes) {
  const size = bytes.byteLength;
  if (size < HEADER_SIZE) {
    for (const [name, offset, width] of HEADER_FIELDS) {
      if (offset + width > size) {
        throw new FrameDecodeError(
          "TOO_SHORT",
          offset,
          `header field ${name} at offset ${offset} needs ${width} byte(s), datagram has ${size} byte(s) (header is ${HEADER_SIZE})`
        );
      }
    }
  }
  const length = bytes[1] | bytes[2] << 8;
  if (HEADER_SIZE + length > size) {
    throw new FrameDecodeError(
      "LENGTH_MISMATCH",
      1,
      `length field at offset 1 says ${length} value byte(s), datagram has ${size - HEADER_SIZE} after the ${HEADER_SIZE}-byte header`
    );
  }
  return length;
}

// server/protocol/decode-frame.ts
var V3 = HEADER_SIZE;
function decodeFrame(bytes) {
  const length = checkHeader(bytes);
  const key = bytes[0];
  const host = bytes[3] | bytes[4] << 8;
  const seq = bytes[5];
  const destination = bytes[6] | bytes[7] << 8;
  const trailingBytes = bytes.byteLength - V3 - length;
  switch (key) {
    case KEY.ChannelValues:
      return decodeChannelValues(bytes, length, host, seq, destination, trailingBytes);
    case KEY.ChannelInfo:
      return decodeChannelInfo(bytes, length, host, seq, destination, trailingBytes);
    case KEY.ClearChannelInfo:
      return {
        type: "ClearChannelInfo",
        key: KEY.ClearChannelInfo,
        host,
        seq,
        destination,
        trailingBytes,
        partialRecordBytes: 0,
        extraValueBytes: length
      };
    case KEY.RequestChannelInfo:
      return {
        type: "RequestChannelInfo",
        key: KEY.RequestChannelInfo,
        host,
        seq,
        destination,
        trailingBytes,
        partialRecordBytes: 0,
        extraValueBytes: length
      };
    case KEY.Ping:
    case KEY.Pong:
      return decodePingPong(bytes, key, length, host, seq, destination, trailingBytes);
    default: {
      const extended = decodeExtended(bytes, key, length, host, seq, destination, trailingBytes);
      if (extended !== void 0) return extended;
      return {
        type: "Unknown",
        key,
        host,
        seq,
        destination,
        value: copyBytes(bytes, V3, V3 + length),
        trailingBytes,
        partialRecordBytes: 0,
        extraValueBytes: 0
      };
    }
  }
}

// server/jetdrive/classify-datagram.ts
function classifyDatagram(bytes, values) {
  try {
    if (bytes.byteLength >= HEADER_SIZE && bytes[0] === KEY.ChannelValues) {
      const length = checkHeader(bytes);
      return {
        kind: "values",
        host: bytes[3] | bytes[4] << 8,
        seq: bytes[5],
        destination: bytes[6] | bytes[7] << 8,
        trailingBytes: bytes.byteLength - HEADER_SIZE - length,
        partialRecordBytes: decodeChannelValuesInto(bytes, length, values)
      };
    }
    const frame = decodeFrame(bytes);
    return {
      kind: "frame",
      frame,
      host: frame.host,
      seq: frame.seq,
      destination: frame.destination,
      trailingBytes: frame.trailingBytes,
      partialRecordBytes: frame.partialRecordBytes
    };
  } catch (error) {
    return { kind: "malformed", error };
  }
}

// server/jetdrive/create-budgeted-queue.ts
function createBudgetedQueue(options) {
  const now = options.now ?? (() => performance.now());
  const waiting = [];
  let head = 0;
  let waitingWeight = 0;
  let deferred = 0;
  let dropped = 0;
  let spent = 0;
  let scheduled = null;
  const runTimed = (item) => {
    const started = now();
    try {
      options.run(item);
    } finally {
      spent += now() - started;
    }
  };
  const newTurn = () => {
    scheduled = null;
    spent = 0;
    while (head < waiting.length && spent < options.budgetMs) {
      const item = waiting[head];
      waiting[head++] = void 0;
      waitingWeight -= options.weight(item);
      runTimed(item);
    }
    if (head === waiting.length) {
      waiting.length = 0;
      head = 0;
    } else if (head > 1024) {
      waiting.splice(0, head);
      head = 0;
    }
    if (head < waiting.length) schedule();
  };
  function schedule() {
    scheduled ??= setImmediate(newTurn);
  }
  return {
    push(item) {
      if (head === waiting.length && spent < options.budgetMs) {
        runTimed(item);
        schedule();
        return true;
      }
      const w = options.weight(item);
      if (waitingWeight + w > options.maxWeight) {
        dropped++;
        return false;
      }
      waiting.push(item);
      waitingWeight += w;
      deferred++;
      schedule();
      return true;
    },
    stats: () => ({ waiting: waiting.length - head, waitingWeight, deferred, dropped }),
    clear() {
      if (scheduled) clearImmediate(scheduled);
      scheduled = null;
      waiting.length = 0;
      head = 0;
      waitingWeight = 0;
      spent = 0;
    }
  };
}

// server/jetdrive/node-receiver.ts
var log8 = createLogger("jetdrive");
var INCOMPATIBLE_VERSION = 10;
var bump = (counts, name) => {
  counts[name] = (counts[name] ?? 0) + 1;
};
var NodeReceiver = class {
  pongs;
  sources;
  /** Catalog changes can be costly (names, views, quantity guesses per channel): they run within a time budget. */
  catalogMessages;
  /** Reused for every ChannelValues datagram: the sink reads it during its call. */
  #values = new ChannelValuesBatch();
  #d;
  constructor(deps) {
    this.#d = deps;
    const opts = deps.opts;
    this.pongs = createPongLimiter(opts.pong);
    this.sources = createSourceGuard({
      policy: opts.sourcePolicy,
      moveAfterMs: opts.offlineAfterMs,
      reportIntervalMs: opts.conflictReportIntervalMs
    });
    this.catalogMessages = createBudgetedQueue({
      budgetMs: opts.channelInfoBudgetMs,
      maxWeight: opts.maxQueuedChannelInfoRecords,
      weight: (m) => 1 + (m.frame.type === "ChannelInfo" ? m.frame.channels.length : 0),
      run: (m) => this.#runCatalogMessage(m)
    });
  }
  onDatagram = (d) => {
    const { counters, hostId } = this.#d;
    counters.datagrams++;
    counters.bytes += d.bytes.byteLength;
    const c = classifyDatagram(d.bytes, this.#values);
    if (c.kind === "malformed") {
      this.#malformed(c.error);
      return;
    }
    if (c.trailingBytes > 0) counters.trailingBytes += c.trailingBytes;
    if (c.partialRecordBytes > 0) counters.partialRecords++;
    const frame = c.kind === "frame" ? c.frame : null;
    const verdict = addressVerdict(c.host, c.destination, hostId.id, hostId.claiming);
    if (verdict !== "fromAllHosts") hostId.noteHost(c.host);
    if (verdict === "collision") hostId.collision(d.from, this.#d.now());
    else if (verdict === "claim") this.#onClaim(frame, c.destination);
    else if (verdict !== "provider") counters.ignored[verdict]++;
    if (verdict !== "provider") return;
    const t = this.#d.now();
    const p = this.#sender(c.host, c.seq, d, t);
    if (p === null) return;
    if (frame === null) this.#onValues(p, d, t);
    else this.#onFrame(p, frame, t);
  };
  #malformed(error) {
    bump(this.#d.counters.malformed, error instanceof FrameDecodeError ? error.code : "UNEXPECTED");
    if (!(error instanceof FrameDecodeError)) log8.error({ err: error }, "decoder threw an unexpected error");
  }
  /** Host 0 is a node claiming an id: answering tells it ours is taken. Our own claim Ping comes back via loopback. */
  #onClaim(f, destination) {
    if (f === null) return;
    if (this.#d.hostId.isOwnClaimPing(f)) this.#d.counters.ignored.ownMessages++;
    else if (f.type === "Ping" && destination === ALL_HOSTS) this.#answerPing(f);
  }
  /** The provider a frame comes from, after the table's cap and the source guard; marks it seen (and online). */
  #sender(host, seq, d, t) {
    const { providers, tx, hostId, counters, sink } = this.#d;
    let p = providers.get(host);
    if (p === void 0) {
      const admitted = providers.admit(host, d.from, t);
      if (admitted === null) return null;
      p = admitted.p;
      if (admitted.isNew && tx.canTransmit && !admitted.crowded) tx.ping(hostId.id, p, t);
    }
    if (!acceptSource(this.sources, counters, this.#onConflict, p, d.from, t)) return null;
    p.tracker.track(seq);
    p.lastSeen = t;
    if (!p.online) {
      p.online = true;
      log8.info({ provider: hostHex(host) }, `provider ${p.name} (${hostHex(host)}) is online again`);
      if (p.announced) sink.providerChanged(p, "online");
    }
    return p;
  }
  /** Made once: a closure per datagram cost an allocation (and, under tsx, a defineProperty for its name). */
  #onConflict = (conflicted) => this.#d.sink.providerChanged(conflicted, "conflict");
  #announce(p) {
    if (p.announced) return;
    p.announced = true;
    this.#d.sink.providerChanged(p, "added");
  }
  #onValues(p, d, t) {
    if (p.incompatible) {
      this.#d.counters.ignored.incompatible++;
      return;
    }
    this.#announce(p);
    p.valueMessages++;
    const { sink, tx, hostId } = this.#d;
    if (sink.channelValues(p, d.receivedAt, this.#values) && tx.canTransmit) tx.requestInfo(hostId.id, p, t);
  }
  #onFrame(p, f, t) {
    const counters = this.#d.counters;
    const catalogFrame = f.type === "ChannelInfo" || f.type === "ClearChannelInfo";
    if (catalogFrame && p.incompatible || f.type === "Ping" && f.version >= INCOMPATIBLE_VERSION) {
      counters.ignored.incompatible++;
      return;
    }
    if (f.type === "ChannelInfo") {
      if (f.providerName && f.providerName !== p.name) p.name = f.providerName;
      if (f.channels.length > 0) p.named = true;
    }
    if (f.type === "ChannelInfo" || f.type === "ClearChannelInfo") {
      if (!this.catalogMessages.push({ provider: p, frame: f })) bump(counters.drops, "channelInfoQueue");
    } else if (f.type === "Ping") this.#answerPing(f);
    else if (f.type === "Pong") this.#onPong(p, f, t);
    else if (f.type === "Unknown") counters.unknownKeys++;
  }
  #runCatalogMessage({ provider: p, frame: f }) {
    if (!this.#d.providers.holds(p) || p.incompatible) return;
    if (f.type === "ChannelInfo" && f.providerName && f.providerName !== p.name) p.name = f.providerName;
    this.#announce(p);
    if (f.type === "ClearChannelInfo") this.#d.sink.channelsCleared(p);
    else this.#d.sink.channelInfo(p, f.channels);
  }
  #answerPing(f) {
    const ourId = this.#d.hostId.id;
    if (ourId === null) return;
    const t = this.#d.now();
    const refused = this.pongs.refusal(f.host, f.echo.length, t);
    if (refused !== null) bump(this.#d.counters.pongsSuppressed, refused);
    else this.#d.tx.pong(ourId, f, t);
  }
  #onPong(p, f, t) {
    p.version = f.version;
    if (f.version >= INCOMPATIBLE_VERSION) {
      if (p.incompatible) return;
      p.incompatible = true;
      log8.warn(
        { provider: hostHex(p.hostId), version: f.version },
        `provider ${p.name} (${hostHex(p.hostId)}) answers with protocol version ${f.version} (>= ${INCOMPATIBLE_VERSION}): incompatible, ignoring its data`
      );
      this.#announce(p);
      this.#d.sink.providerChanged(p, "incompatible");
      return;
    }
    const wasSynced = p.clock.synced;
    if (!p.clock.onPong(f.hostTs, f.remoteTs, t)) {
      bump(this.#d.counters.drops, "stalePongs");
      return;
    }
    if (wasSynced) return;
    if (p.announced) this.#d.sink.providerChanged(p, "updated");
    log8.debug(
      { provider: hostHex(p.hostId), offsetMs: p.clock.offsetMs, latencyMs: p.clock.latencyMs },
      "clock synced"
    );
  }
};

// server/protocol/frame-encode-error.ts
var FRAME_ENCODE_STATUS = Object.freeze({
  VALUE_OUT_OF_RANGE: 400,
  VALUE_TOO_LONG: 400,
  KNOWN_KEY_AS_UNKNOWN: 400
});
var FrameEncodeError = class extends CodedError {
  constructor(code, field, message) {
    super(code, FRAME_ENCODE_STATUS[code], message, { field });
  }
};

// server/protocol/check-field.ts
function isUint(value, max) {
  return Number.isInteger(value) && value >= 0 && value <= max;
}
function uintError(field, value, max) {
  return new FrameEncodeError("VALUE_OUT_OF_RANGE", field, `${field} must be an integer 0..${max}, got ${value}`);
}
function checkUint(field, value, max) {
  if (!isUint(value, max)) throw uintError(field, value, max);
}
function checkFloat(field, value) {
  if (typeof value !== "number") {
    throw new FrameEncodeError("VALUE_OUT_OF_RANGE", field, `${field} must be a number, got ${typeof value}`);
  }
}
var U8 = 255;
var U16 = 65535;
var U322 = 4294967295;

// server/protocol/truncate-utf8.ts
var encoder = new TextEncoder();
var decoder2 = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });
function fieldBytes(text, maxBytes) {
  const nul = text.indexOf("\0");
  const bytes = encoder.encode(nul === -1 ? text : text.slice(0, nul));
  if (bytes.length <= maxBytes) return bytes;
  let cut = maxBytes;
  while (cut > 0 && (bytes[cut] & 192) === 128) cut--;
  return bytes.subarray(0, cut);
}

// server/protocol/write-channel-info.ts
var VENDOR_OFFSET = 2;
var NAME_OFFSET = 3;
var UNIT_OFFSET = NAME_OFFSET + CHANNEL_NAME_SIZE;
function writeChannelInfo(m, out, view) {
  out.set(fieldBytes(m.providerName, PROVIDER_NAME_SIZE), HEADER_SIZE);
  let o = HEADER_SIZE + PROVIDER_NAME_SIZE;
  for (let i = 0; i < m.channels.length; i++, o += CHANNEL_INFO_RECORD_SIZE) {
    const c = m.channels[i];
    checkUint(`channels[${i}].channelId`, c.channelId, U16);
    checkUint(`channels[${i}].vendor`, c.vendor, U8);
    checkUint(`channels[${i}].unit`, c.unit, U8);
    view.setUint16(o, c.channelId, true);
    out[o + VENDOR_OFFSET] = c.vendor;
    out.set(fieldBytes(c.name, CHANNEL_NAME_SIZE), o + NAME_OFFSET);
    out[o + UNIT_OFFSET] = c.unit;
  }
}

// server/protocol/write-channel-values.ts
var TS_OFFSET = 2;
var VALUE_OFFSET = 6;
function writeChannelValues(m, view) {
  const samples = m.samples;
  for (let i = 0, o = HEADER_SIZE; i < samples.length; i++, o += CHANNEL_VALUE_RECORD_SIZE) {
    const s = samples[i];
    if (!isUint(s.channelId, U16)) throw uintError(`samples[${i}].channelId`, s.channelId, U16);
    if (!isUint(s.ts, U322)) throw uintError(`samples[${i}].ts`, s.ts, U322);
    if (typeof s.value !== "number") checkFloat(`samples[${i}].value`, s.value);
    view.setUint16(o, s.channelId, true);
    view.setUint32(o + TS_OFFSET, s.ts, true);
    view.setFloat32(o + VALUE_OFFSET, s.value, true);
  }
}

// server/protocol/write-fixed-value.ts
var V4 = HEADER_SIZE;
var HOST_TS_OFFSET2 = V4 + 1;
var REMOTE_TS_OFFSET2 = V4 + 5;
var LOGGING_TIMESTAMP_OFFSET2 = V4 + 3;
var CONTROL_TYPE_OFFSET = V4 + 1;
var TARGET_OFFSET = V4 + 2;
function writeFixedValue(m, out, view) {
  switch (m.type) {
    case "Ping":
      checkUint("version", m.version, U8);
      checkUint("hostTs", m.hostTs, U322);
      out[V4] = m.version;
      view.setUint32(HOST_TS_OFFSET2, m.hostTs, true);
      out.set(m.echo, V4 + PING_FIXED_LENGTH);
      break;
    case "Pong":
      checkUint("version", m.version, U8);
      checkUint("hostTs", m.hostTs, U322);
      checkUint("remoteTs", m.remoteTs, U322);
      out[V4] = m.version;
      view.setUint32(HOST_TS_OFFSET2, m.hostTs, true);
      view.setUint32(REMOTE_TS_OFFSET2, m.remoteTs, true);
      out.set(m.echo, V4 + PONG_FIXED_LENGTH);
      break;
    case "RequestLogging":
    case "RequestBrake":
      checkUint("command", m.command, U8);
      out[V4] = m.command;
      break;
    case "BrakeResponse":
      checkUint("state", m.state, U8);
      out[V4] = m.state;
      break;
    case "LoggingResponse":
      checkUint("state", m.state, U8);
      out[V4] = m.state;
      if (m.timestamp !== null) {
        checkUint("timestamp", m.timestamp, U322);
        view.setUint32(LOGGING_TIMESTAMP_OFFSET2, m.timestamp, true);
      }
      break;
    case "RequestLoadControl":
    case "LoadControlResponse":
      checkUint("enable", m.enable, U8);
      checkUint("controlType", m.controlType, U8);
      checkFloat("target", m.target);
      out[V4] = m.enable;
      out[CONTROL_TYPE_OFFSET] = m.controlType;
      view.setFloat32(TARGET_OFFSET, m.target, true);
      break;
    default:
      break;
  }
}

// server/protocol/encode-frame.ts
var V5 = HEADER_SIZE;
var KNOWN_KEYS = new Set(Object.values(KEY));
function valueLength(m) {
  switch (m.type) {
    case "ChannelInfo":
      return PROVIDER_NAME_SIZE + m.channels.length * CHANNEL_INFO_RECORD_SIZE;
    case "ChannelValues":
      return m.samples.length * CHANNEL_VALUE_RECORD_SIZE;
    case "ClearChannelInfo":
    case "RequestChannelInfo":
      return 0;
    case "Ping":
      return PING_FIXED_LENGTH + m.echo.length;
    case "Pong":
      return PONG_FIXED_LENGTH + m.echo.length;
    case "RequestLogging":
    case "RequestBrake":
    case "BrakeResponse":
      return 1;
    case "LoggingResponse":
      return m.timestamp === null ? 1 : LOGGING_RESPONSE_LENGTH;
    case "RequestLoadControl":
    case "LoadControlResponse":
      return LOAD_CONTROL_LENGTH;
    case "Unknown":
      return m.value.length;
  }
}
function encodeFrame(m) {
  checkUint("host", m.host, U16);
  checkUint("seq", m.seq, U8);
  checkUint("destination", m.destination, U16);
  if (m.type === "Unknown") {
    checkUint("key", m.key, U8);
    if (KNOWN_KEYS.has(m.key)) {
      throw new FrameEncodeError(
        "KNOWN_KEY_AS_UNKNOWN",
        "key",
        `key 0x${m.key.toString(16).padStart(2, "0")} is a known key; encode it as its own message type, not Unknown`
      );
    }
  }
  const length = valueLength(m);
  if (length > U16) {
    throw new FrameEncodeError(
      "VALUE_TOO_LONG",
      "length",
      `${m.type} value is ${length} bytes, the length field holds at most ${U16}`
    );
  }
  const out = new Uint8Array(V5 + length);
  const view = new DataView(out.buffer);
  out[0] = m.type === "Unknown" ? m.key : KEY[m.type];
  view.setUint16(1, length, true);
  view.setUint16(3, m.host, true);
  out[5] = m.seq;
  view.setUint16(6, m.destination, true);
  switch (m.type) {
    case "ChannelValues":
      writeChannelValues(m, view);
      break;
    case "ChannelInfo":
      writeChannelInfo(m, out, view);
      break;
    case "Unknown":
      out.set(m.value, V5);
      break;
    default:
      writeFixedValue(m, out, view);
  }
  return out;
}

// server/jetdrive/node-transmitter.ts
var log9 = createLogger("jetdrive");
var NodeTransmitter = class {
  #seq = 0;
  #send;
  #counters;
  #requestInfoIntervalMs;
  constructor(send, counters, requestInfoIntervalMs) {
    this.#send = send;
    this.#counters = counters;
    this.#requestInfoIntervalMs = requestInfoIntervalMs;
  }
  get canTransmit() {
    return this.#send !== null;
  }
  #transmit(message) {
    if (this.#send === null) return;
    this.#send(encodeFrame(message));
    this.#counters.sent[message.type] = (this.#counters.sent[message.type] ?? 0) + 1;
  }
  #nextSeq() {
    const s = this.#seq;
    this.#seq = this.#seq + 1 & 255;
    return s;
  }
  /** The claim Ping: from host 0 to every host, our nonce as echo. */
  claimPing(nonce, t) {
    this.#transmit(this.#ping(0, ALL_HOSTS, t, nonce));
  }
  /** A clock-sync Ping to one provider. */
  ping(ourId, p, t) {
    if (ourId === null || p.incompatible) return;
    p.lastPingAt = t;
    this.#transmit(this.#ping(ourId, p.hostId, t, new Uint8Array(0)));
  }
  #ping(host, destination, t, echo) {
    return {
      type: "Ping",
      key: 4,
      host,
      seq: this.#nextSeq(),
      destination,
      version: PING_VERSION,
      hostTs: u32Clock(t),
      echo
    };
  }
  /** Asks a provider for its ChannelInfo, at most once per requestInfoIntervalMs. */
  requestInfo(ourId, p, t) {
    if (ourId === null || p.incompatible) return;
    if (p.lastInfoRequestAt !== null && t - p.lastInfoRequestAt < this.#requestInfoIntervalMs) return;
    p.lastInfoRequestAt = t;
    log9.debug({ provider: hostHex(p.hostId) }, "values for channels without ChannelInfo: requesting it");
    this.#transmit({ type: "RequestChannelInfo", key: 6, host: ourId, seq: this.#nextSeq(), destination: p.hostId });
  }
  /** The Pong to a Ping (the caller applied the Pong limits). */
  pong(ourId, f, t) {
    this.#transmit({
      type: "Pong",
      key: 5,
      host: ourId,
      seq: this.#nextSeq(),
      destination: f.host,
      version: PING_VERSION,
      hostTs: f.hostTs,
      remoteTs: u32Clock(t),
      echo: f.echo
    });
  }
};

// server/jetdrive/ping-scheduler.ts
var PingScheduler = class {
  #timer = null;
  #deps;
  constructor(deps) {
    this.#deps = deps;
  }
  get running() {
    return this.#timer !== null;
  }
  start(everyMs) {
    this.stop();
    this.#timer = setInterval(() => this.check(), everyMs);
    this.#timer.unref?.();
  }
  stop() {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }
  check() {
    const d = this.#deps;
    const t = d.now();
    for (const p of d.providers()) {
      if (p.online && t - p.lastSeen > d.offlineAfterMs) {
        p.online = false;
        d.offline(p, t - p.lastSeen);
      }
      if (d.canTransmit && p.online && (p.lastPingAt === null || t - p.lastPingAt >= d.pingIntervalMs)) d.ping(p, t);
    }
  }
};

// server/jetdrive/create-jetdrive-node.ts
var log10 = createLogger("jetdrive");
function createJetDriveNode(deps, options = {}) {
  const opts = { ...DEFAULT_NODE_OPTIONS, ...options };
  const now = deps.now ?? (() => Date.now());
  const counters = deps.counters ?? createNodeCounters();
  const sink = deps.sink;
  const send = !opts.passive && typeof deps.send === "function" ? deps.send : null;
  const tx = new NodeTransmitter(send, counters, opts.requestInfoIntervalMs);
  const providers = new NodeProviderTable({
    maxProviders: opts.maxProviders,
    maxEvictionsPerS: opts.maxEvictionsPerS,
    counters,
    removed: (p) => sink.providerChanged(p, "removed")
  });
  const hostId = new HostIdClaim({
    random: deps.random ?? Math.random,
    claimMs: opts.claimMs,
    idChanges: createIdChangeLimiter(opts.hostIdChangeMinIntervalMs, counters),
    counters,
    knownHosts: () => providers.hostIds()
  });
  const scheduler = new PingScheduler({
    providers: () => providers.values(),
    now,
    offlineAfterMs: opts.offlineAfterMs,
    pingIntervalMs: opts.pingIntervalMs,
    canTransmit: tx.canTransmit,
    ping: (p, t) => tx.ping(hostId.id, p, t),
    offline(p, silentMs) {
      log10.info(
        { provider: hostHex(p.hostId), silentMs },
        `provider ${p.name} (${hostHex(p.hostId)}) offline: silent for ${silentMs} ms`
      );
      if (p.announced) sink.providerChanged(p, "offline");
    }
  });
  const receiver = new NodeReceiver({ opts, now, counters, sink, tx, providers, hostId });
  return new NodeRunner({ deps, opts, now, counters, tx, providers, hostId, scheduler, receiver });
}
var NodeRunner = class {
  #state = "stopped";
  #subscription = null;
  #failure = null;
  #failureError = null;
  #p;
  constructor(parts) {
    this.#p = parts;
  }
  get counters() {
    return this.#p.counters;
  }
  hostId() {
    return this.#p.hostId.id;
  }
  providers() {
    return [...this.#p.providers.values()];
  }
  status() {
    const { counters, hostId, receiver, providers, tx } = this.#p;
    return {
      state: this.#state,
      passive: !tx.canTransmit,
      hostId: hostId.id,
      hostHex: hostId.id === null ? null : hostHex(hostId.id),
      collisions: counters.collisions,
      collisionsSuppressed: counters.collisionsSuppressed,
      sourcePolicy: receiver.sources.policy,
      conflicts: { ...counters.conflicts },
      evictions: counters.evictions,
      pongs: receiver.pongs.stats(),
      providers: providers.size,
      incompatible: providers.incompatible(),
      error: this.#failure
    };
  }
  /** Read through a call: TypeScript would otherwise keep the narrowing from before an await. */
  #stateNow() {
    return this.#state;
  }
  async start() {
    if (this.#state !== "stopped" && this.#state !== "failed") return;
    this.#state = "starting";
    this.#failure = null;
    this.#failureError = null;
    let rejectStart = () => {
    };
    const failed = new Promise((_, reject) => {
      rejectStart = reject;
    });
    failed.catch(() => {
    });
    this.#subscription = this.#p.deps.datagrams$.subscribe({
      next: this.#p.receiver.onDatagram,
      error: (error) => this.#fail(error, rejectStart)
    });
    await Promise.race([this.#p.deps.ready ?? Promise.resolve(), failed]);
    if (this.#stateNow() === "failed" && this.#failureError) throw this.#failureError;
    if (this.#stateNow() !== "starting") return;
    await this.#begin(failed);
  }
  #fail(error, rejectStart) {
    const failure = error instanceof Error ? error.message : String(error);
    this.#failure = failure;
    this.#failureError = error instanceof Error ? error : new Error(failure);
    this.#state = "failed";
    this.#p.scheduler.stop();
    log10.error({ err: error }, `JetDrive datagram source failed: ${failure}`);
    rejectStart(this.#failureError);
  }
  /** After the source is ready: the periodic check, then our host id (fixed, or claimed). */
  async #begin(failed) {
    const { opts, scheduler, hostId, tx, now } = this.#p;
    scheduler.start(
      opts.checkIntervalMs > 0 ? opts.checkIntervalMs : Math.max(10, Math.min(1e3, opts.offlineAfterMs / 4))
    );
    if (!tx.canTransmit) {
      log10.info("passive mode: listening only, no host id, nothing transmitted");
      this.#state = "running";
      return;
    }
    if (opts.hostId !== null) hostId.assign(opts.hostId);
    else {
      this.#state = "claiming";
      const stopped = () => this.#stateNow() === "stopped";
      await Promise.race([hostId.claim((nonce) => tx.claimPing(nonce, now()), stopped), failed]);
    }
    if (this.#stateNow() !== "claiming" && this.#stateNow() !== "starting") return;
    scheduler.check();
    this.#state = "running";
  }
  stop() {
    this.#state = "stopped";
    this.#p.receiver.catalogMessages.clear();
    this.#subscription?.unsubscribe();
    this.#subscription = null;
    this.#p.scheduler.stop();
    this.#p.hostId.stop();
  }
};

// server/transport/create-multicast-sender.ts
import { createSocket } from "node:dgram";

// server/transport/describe-socket-error.ts
var HINTS = {
  EADDRINUSE: "another program holds the port without SO_REUSEADDR; close it (or start it after the hub) or choose another JETDRIVE_PORT",
  EADDRNOTAVAIL: "the interface address is not configured on this machine; check JETDRIVE_IFACE against `ip addr`",
  ENODEV: "the interface has no multicast route or does not exist; check JETDRIVE_IFACE and that the link is up",
  EACCES: "permission denied; ports below 1024 need privileges, and some firewalls block multicast joins",
  EINVAL: "the group or interface address is invalid; JETDRIVE_GROUP must be a multicast address (224.0.0.0/4)",
  ENOBUFS: "the OS ran out of multicast memberships or buffers; join fewer groups or interfaces"
};
function errorCode(error) {
  if (error && typeof error === "object" && "code" in error && typeof error.code === "string") return error.code;
  return "UNKNOWN";
}
function describeSocketError(action, where, error) {
  const code = errorCode(error);
  const parts = [`${action} failed`];
  if (where.group) parts.push(`group ${where.group}`);
  parts.push(`port ${where.port}`);
  if (where.iface) parts.push(`interface ${where.iface}`);
  const message = error instanceof Error ? error.message : String(error);
  return `${parts.join(", ")}: ${code} (${message}) \u2014 ${HINTS[code] ?? "check the network configuration"}`;
}

// server/transport/create-multicast-sender.ts
var log11 = createLogger("transport");
var MAX_PENDING = 64;
function createMulticastSender(options, interfaces) {
  const errors = {};
  let sent = 0;
  const sockets = [];
  let dropped = 0;
  const transmit = (socket, iface, bytes) => {
    for (const group of options.groups) {
      socket.send(bytes, options.port, group, (error) => {
        if (error) count(error, iface);
        else sent++;
      });
    }
  };
  const count = (error, iface) => {
    const code = errorCode(error);
    errors[code] = (errors[code] ?? 0) + 1;
    if (errors[code] === 1) {
      log11.warn(
        { err: error },
        describeSocketError("send", { group: options.groups.join(","), port: options.port, iface }, error)
      );
    }
  };
  const usable = /* @__PURE__ */ new Set();
  for (const iface of interfaces) {
    const socket = createSocket({ type: "udp4" });
    socket.on("error", (error) => count(error, iface));
    const entry = { socket, iface, pending: [] };
    socket.bind({ address: iface, port: 0 }, () => {
      try {
        socket.setMulticastInterface(iface);
        socket.setMulticastTTL(options.ttl);
        socket.setMulticastLoopback(options.loopback);
      } catch (error) {
        count(error, iface);
        entry.pending = null;
        socket.close();
        return;
      }
      const queued = entry.pending ?? [];
      entry.pending = null;
      for (const bytes of queued) transmit(socket, iface, bytes);
      usable.add(entry);
    });
    sockets.push(entry);
  }
  return {
    send(bytes) {
      for (const entry of sockets) {
        if (usable.has(entry)) transmit(entry.socket, entry.iface, bytes);
        else if (entry.pending && entry.pending.length < MAX_PENDING) entry.pending.push(bytes);
        else dropped++;
      }
    },
    stats: () => ({ sent, dropped, errors: { ...errors } }),
    async close() {
      await Promise.all(
        sockets.map(
          ({ socket: s }) => new Promise((resolve) => {
            usable.clear();
            try {
              s.close(() => resolve());
            } catch {
              resolve();
            }
          })
        )
      );
      sockets.length = 0;
    }
  };
}

// server/transport/default-multicast-options.ts
var JETDRIVE_GROUP = "224.0.2.10";
var JETDRIVE_PORT = 22344;
var DEFAULT_RECV_BUFFER_SIZE = 4 * 1024 * 1024;
var DEFAULT_MULTICAST_OPTIONS = Object.freeze({
  groups: [JETDRIVE_GROUP],
  port: JETDRIVE_PORT,
  interfaces: ["127.0.0.1"],
  ttl: 0,
  loopback: true,
  recvBufferSize: DEFAULT_RECV_BUFFER_SIZE
});

// server/transport/udp-datagrams.ts
import { createSocket as createSocket2 } from "node:dgram";
import { Observable as Observable2 } from "rxjs";
var log12 = createLogger("transport");
function joinAll(socket, options, port) {
  const joins = [];
  for (const group of options.groups) {
    for (const iface of options.interfaces) {
      try {
        socket.addMembership(group, iface);
        joins.push({ group, iface, ok: true });
      } catch (error) {
        joins.push({ group, iface, ok: false, error: describeSocketError("join", { group, port, iface }, error) });
      }
    }
  }
  return joins;
}
function enlargeRecvBuffer(socket, wanted) {
  if (wanted > 0) {
    try {
      socket.setRecvBufferSize(wanted);
    } catch (error) {
      log12.warn({ wanted, err: error }, "could not set the UDP receive buffer size");
    }
  }
  const actual = socket.getRecvBufferSize();
  if (wanted > 0 && actual < wanted) {
    log12.warn(
      { wanted, actual },
      `UDP receive buffer clamped by the OS to ${actual} bytes (wanted ${wanted}); raise net.core.rmem_max to survive bursts`
    );
  }
  return actual;
}
function udpDatagrams$(options, onOpen) {
  return new Observable2((subscriber) => {
    const socket = createSocket2({ type: "udp4", reuseAddr: true });
    let bound = false;
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      try {
        socket.close();
      } catch {
      }
    };
    socket.on("error", (error) => {
      const action = bound ? "receive" : "bind";
      const groups = options.groups.join(",");
      const message = describeSocketError(action, { group: groups, port: options.port, iface: "0.0.0.0" }, error);
      log12.error({ err: error }, message);
      close();
      subscriber.error(new Error(message, { cause: error }));
    });
    socket.on("message", (bytes, rinfo) => {
      subscriber.next({ bytes, from: { address: rinfo.address, port: rinfo.port }, receivedAt: Date.now() });
    });
    socket.bind({ port: options.port, address: "0.0.0.0", exclusive: false }, () => {
      bound = true;
      const port = socket.address().port;
      socket.setMulticastLoopback(options.loopback);
      socket.setMulticastTTL(options.ttl);
      const recvBufferSize = enlargeRecvBuffer(socket, options.recvBufferSize);
      const joins = joinAll(socket, options, port);
      for (const j of joins) {
        if (j.ok) log12.info({ group: j.group, iface: j.iface, port }, `joined ${j.group} on ${j.iface}, port ${port}`);
        else log12.warn({ group: j.group, iface: j.iface, port }, j.error ?? "join failed");
      }
      if (!joins.some((j) => j.ok)) {
        const detail = joins.map((j) => j.error).join("; ");
        close();
        subscriber.error(
          new Error(`no multicast join succeeded on port ${port}: ${detail || "no groups or interfaces configured"}`)
        );
        return;
      }
      onOpen?.({ port, joins, recvBufferSize });
    });
    return close;
  });
}

// server/ingest/create-datagram-tap.ts
import { tap } from "rxjs";
function createDatagramTap(source$) {
  let listeners = [];
  return {
    tapped$: source$.pipe(
      tap((d) => {
        for (const listener of listeners) listener(d);
      })
    ),
    onDatagram(listener) {
      listeners = [...listeners, listener];
      return () => {
        listeners = listeners.filter((l) => l !== listener);
      };
    }
  };
}

// server/ingest/create-ingest.ts
function withAfter(source, after) {
  if (!after) return source;
  return new Observable3(
    (subscriber) => source.subscribe({
      next: (d) => {
        subscriber.next(d);
        after(d);
      },
      error: (error) => subscriber.error(error),
      complete: () => subscriber.complete()
    })
  );
}
function createIngest(options = {}) {
  const multicast = { ...DEFAULT_MULTICAST_OPTIONS, ...options.multicast };
  const passive = options.passive ?? options.node?.passive ?? false;
  const counters = createNodeCounters();
  const registry = createChannelRegistry(options.registry, {
    counters,
    resolver: options.resolver
  });
  let joins = [];
  let port = null;
  let sender = null;
  let markReady = () => {
  };
  let datagrams$;
  let send;
  let ready = Promise.resolve();
  if (options.datagrams$) {
    datagrams$ = options.datagrams$;
    send = options.send ?? null;
  } else {
    datagrams$ = udpDatagrams$(multicast, (info) => {
      joins = info.joins;
      port = info.port;
      if (!passive) {
        const ifaces = [...new Set(info.joins.filter((j) => j.ok).map((j) => j.iface))];
        sender = createMulticastSender({ ...multicast, port: info.port }, ifaces);
      }
      markReady();
    });
    send = passive ? null : (bytes) => sender?.send(bytes);
  }
  const datagramTap = createDatagramTap(datagrams$);
  const node = createJetDriveNode(
    {
      datagrams$: withAfter(datagramTap.tapped$, options.afterDatagram),
      get ready() {
        return ready;
      },
      send,
      sink: registry.sink,
      counters
    },
    { ...options.node, passive }
  );
  return {
    registry,
    sink: registry.sink,
    node,
    get joins() {
      return joins;
    },
    port: () => port,
    hostId: () => node.hostId(),
    async start() {
      if (!options.datagrams$) {
        ready = new Promise((resolve) => {
          markReady = resolve;
        });
      }
      await node.start();
    },
    async stop() {
      node.stop();
      const s = sender;
      sender = null;
      await s?.close();
    },
    onDatagram: datagramTap.onDatagram,
    status: () => ({
      node: node.status(),
      port,
      joins,
      sender: sender ? sender.stats() : null
    })
  };
}

// server/protocol/build-channel-values-frames.ts
function buildChannelValuesMessages(opts) {
  const mtu = opts.mtu ?? DEFAULT_MTU;
  const seqStart = opts.seqStart ?? 0;
  checkUint("mtu", mtu, U16);
  checkUint("seqStart", seqStart, U8);
  const perMessage = Math.floor(mtu / CHANNEL_VALUE_RECORD_SIZE);
  if (perMessage < 1) {
    throw new FrameEncodeError(
      "VALUE_TOO_LONG",
      "mtu",
      `mtu ${mtu} fits no ChannelValues record (needs ${CHANNEL_VALUE_RECORD_SIZE} bytes)`
    );
  }
  const destination = opts.destination ?? ALL_HOSTS;
  const messages = [];
  for (let start = 0; start < opts.samples.length; start += perMessage) {
    messages.push({
      type: "ChannelValues",
      key: 2,
      host: opts.host,
      seq: seqStart + messages.length & 255,
      destination,
      samples: opts.samples.slice(start, start + perMessage)
    });
  }
  return messages;
}
function buildChannelValuesFrames(opts) {
  return buildChannelValuesMessages(opts).map(encodeFrame);
}

// test/bench/ingest-in-process.ts
var HOST = 24141;
var DATAGRAMS_PER_ROUND = 2e4;
var ROUNDS = 9;
function frames(samples, base) {
  return Array.from(
    { length: 256 },
    (_, seq) => Buffer.from(
      buildChannelValuesFrames({
        host: HOST,
        seqStart: seq,
        samples: Array.from({ length: samples }, (_2, i) => ({ channelId: i + 1, ts: base + seq, value: i * 1.25 }))
      })[0]
    )
  );
}
async function inProcessCpuPerDatagram(samples) {
  const source = new Subject3();
  const ingest = createIngest({ datagrams$: source, passive: true });
  await ingest.start();
  const from = { address: "127.0.0.1", port: 4e4 };
  const perDatagram = [];
  try {
    for (let round = 0; round <= ROUNDS; round++) {
      const batch = frames(samples, round * 1e3);
      const started = process.cpuUsage();
      for (let i = 0; i < DATAGRAMS_PER_ROUND; i++)
        source.next({ bytes: batch[i & 255], from: { ...from }, receivedAt: Date.now() });
      const used = process.cpuUsage(started);
      if (round > 0) perDatagram.push((used.user + used.system) / DATAGRAMS_PER_ROUND);
    }
    const expected = (ROUNDS + 1) * DATAGRAMS_PER_ROUND * samples;
    const got = ingest.registry.stats().samples;
    if (got !== expected) throw new Error(`in-process ingest counted ${got} samples, expected ${expected}`);
  } finally {
    await ingest.stop();
  }
  perDatagram.sort((a, b) => a - b);
  return perDatagram[perDatagram.length >> 1];
}

// ../../tmp/ipb.mts
var xs = [];
for (let i = 0; i < Number(process.env.N ?? 5); i++) xs.push(await inProcessCpuPerDatagram(140));
xs.sort((a, b) => a - b);
process.stderr.write(`min ${xs[0].toFixed(2)} median ${xs[xs.length >> 1].toFixed(2)} \xB5s/datagram
`);
