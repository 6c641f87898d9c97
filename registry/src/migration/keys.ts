/** Map keys for a schema (context and id) and a subject-version; NUL cannot occur in either part. */
export const schemaKey = (context: string, id: number) => `${context}\u0000${id}`;
export const versionKey = (subject: string, version: number) => `${subject}\u0000${version}`;
/** A DEK's key (KEK, subject, algorithm, version). */
export const dekKey = (d: { kekName: string; subject: string; algorithm: string; version: number }) =>
  `${d.kekName}\u0000${d.subject}\u0000${d.algorithm}\u0000${d.version}`;
