/** The token of an `Authorization: Bearer <token>` header; undefined for any other scheme or none. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer[ \t]+(\S+)\s*$/i.exec(header);
  return match ? match[1] : undefined;
}
