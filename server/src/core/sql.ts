/** A LIKE pattern's text, lower-cased, with its wildcards escaped: the member's `%` is a percent sign. */
export const escapeLike = (text: string) => text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
