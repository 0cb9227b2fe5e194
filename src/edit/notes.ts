/** What a transform may say about its work; it ends up in the report. */
export interface Notes {
  info(message: string): void;
  warn(message: string): void;
}
