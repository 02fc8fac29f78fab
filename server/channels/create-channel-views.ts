import { Observable, type Subscriber } from 'rxjs';
import { type ChannelPredicate, compileSelector } from './compile-selector.js';
import type { ChannelMeta, ChannelSelector, Sample } from './types.js';

/** One channel$ selector with subscribers: the channels it matches, each listing the views it feeds. */
export interface ChannelView {
  match: ChannelPredicate;
  subscribers: Set<Subscriber<Sample>>;
  entries: Set<ViewTarget>;
}

/** What a view needs of a channel entry: where to register, and the value to replay. */
export interface ViewTarget {
  /** An array because the registry walks it per sample. */
  views: ChannelView[];
  /** Built on demand: the hot path keeps numbers, not Sample objects. */
  lastSample(): Sample | null;
}

export interface ChannelViews<E extends ViewTarget> {
  channel$(selector: ChannelSelector): Observable<Sample>;
  /** After these channels were added or renamed: attach and detach by matching again; new matches get the last value. */
  reevaluate(changed: Iterable<E>): void;
  /** A channel is going away. */
  detachEntry(entry: E): void;
  count(): number;
  completeAll(): void;
}

/**
 * channel$ views over the registry's entries: one view per selector (string, or predicate by identity) shared by
 * all its subscribers and dropped with the last one, replaying the last value of every matched channel to each
 * new subscriber.
 */
export function createChannelViews<E extends ViewTarget>(
  entries: () => Iterable<E>,
  metaOf: (entry: E) => ChannelMeta,
): ChannelViews<E> {
  const views = new Set<ChannelView>();
  // Only views with subscribers are kept, so selectors chosen by clients cannot pile up.
  const byString = new Map<string, ChannelView>();
  const byPredicate = new WeakMap<ChannelPredicate, ChannelView>();

  const attach = (view: ChannelView, e: ViewTarget): void => {
    view.entries.add(e);
    e.views.push(view);
  };
  const detach = (view: ChannelView, e: ViewTarget): void => {
    view.entries.delete(e);
    e.views = e.views.filter((v) => v !== view);
  };

  const acquire = (selector: ChannelSelector): ChannelView => {
    const existing = typeof selector === 'string' ? byString.get(selector) : byPredicate.get(selector);
    if (existing) return existing;
    const match = compileSelector(selector);
    const view: ChannelView = { match, subscribers: new Set(), entries: new Set() };
    views.add(view);
    if (typeof selector === 'string') byString.set(selector, view);
    else byPredicate.set(selector, view);
    for (const e of entries()) if (match(metaOf(e))) attach(view, e);
    return view;
  };
  const release = (selector: ChannelSelector, view: ChannelView): void => {
    if (view.subscribers.size > 0) return;
    for (const e of [...view.entries]) detach(view, e);
    views.delete(view);
    if (typeof selector === 'string') byString.delete(selector);
    else byPredicate.delete(selector);
  };

  return {
    channel$(selector) {
      return new Observable<Sample>((subscriber) => {
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
            // A provisional channel renamed into the selector: its subscribers want the current value now.
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
    },
  };
}
