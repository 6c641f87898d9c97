/** Map keys for a schema (context and id) and a subject-version; NUL cannot occur in either part. */
export const schemaKey = (context: string, id: number) => `${context}\u0000${id}`;
export const versionKey = (subject: string, version: number) => `${subject}\u0000${version}`;
