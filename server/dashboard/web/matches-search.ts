// The channel browser's search: every whitespace-separated term must appear (case-insensitive) in the channel's
// name, provider, unit or quantity, so "afr rear" finds "Air/Fuel Ratio 2" once it maps to afr_rear.

export interface SearchableChannel {
  name: string;
  providerName: string;
  unit: string;
  quantity: string | null;
  suggestion?: string | null;
}

export function matchesSearch(channel: SearchableChannel, query: string): boolean {
  const terms = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (terms.length === 0) return true;
  const haystack = [
    channel.name,
    channel.providerName,
    channel.unit,
    channel.quantity ?? 'unmapped',
    channel.quantity?.replace(/_/g, ' ') ?? '',
    channel.suggestion ?? '',
  ]
    .join(' ')
    .toLowerCase();
  return terms.every((term) => haystack.includes(term));
}
