/** What a forum page's load depends on: live posts ask for it again when only the server can count (unread threads). */
export const FORUM_DATA = 'caucus:forum';
