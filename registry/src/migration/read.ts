/**
 * Reads an export file into its lines, each checked against the format (format.ts), and checks that the
 * file is whole: a header first, an end line last whose counts match what was read, nothing after it.
 */
import type { Readable } from 'node:stream';
import { InvalidExportFile } from './errors.js';
import { decodeHeader, decodeLine, type ContextLine, type DekLine, type EndLine, type HeaderLine, type KekLine, type SchemaLine, type SettingLine, type VersionLine } from './format.js';
import { readJsonLines } from './ndjson.js';

/** A line with its 1-based number in the file, for messages. */
export interface Numbered<T> {
  lineNo: number;
  line: T;
}

export interface ExportContents {
  header: HeaderLine;
  contexts: Numbered<ContextLine>[];
  schemas: Numbered<SchemaLine>[];
  versions: Numbered<VersionLine>[];
  settings: Numbered<SettingLine>[];
  keks: Numbered<KekLine>[];
  deks: Numbered<DekLine>[];
}

export async function readExportFile(input: Readable, onBytes?: (bytes: number) => void): Promise<ExportContents> {
  let header: HeaderLine | undefined;
  let end: Numbered<EndLine> | undefined;
  const contents: Omit<ExportContents, 'header'> = { contexts: [], schemas: [], versions: [], settings: [], keks: [], deks: [] };
  for await (const { lineNo, value } of readJsonLines(input, onBytes)) {
    if (!header) {
      header = decodeHeader(value, lineNo);
      continue;
    }
    if (end) throw new InvalidExportFile(`line ${lineNo}: content after the end line (line ${end.lineNo})`);
    const line = decodeLine(value, lineNo);
    switch (line.type) {
      case 'context':
        contents.contexts.push({ lineNo, line });
        break;
      case 'schema':
        contents.schemas.push({ lineNo, line });
        break;
      case 'version':
        contents.versions.push({ lineNo, line });
        break;
      case 'setting':
        contents.settings.push({ lineNo, line });
        break;
      case 'kek':
        contents.keks.push({ lineNo, line });
        break;
      case 'dek':
        contents.deks.push({ lineNo, line });
        break;
      case 'end':
        end = { lineNo, line };
        break;
    }
  }
  if (!header) throw new InvalidExportFile('the file is empty');
  if (!end) throw new InvalidExportFile('the file has no end line: it was cut short (an interrupted export or copy?)');
  for (const kind of ['contexts', 'schemas', 'versions', 'settings', 'keks', 'deks'] as const) {
    const counted = end.line[kind] ?? 0;
    if (counted !== contents[kind].length) {
      throw new InvalidExportFile(`line ${end.lineNo}: the end line counts ${counted} ${kind}, the file holds ${contents[kind].length}`);
    }
  }
  return { header, ...contents };
}
