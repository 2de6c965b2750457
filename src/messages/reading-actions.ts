/**
 * The buttons of reading lists and votes (issue 14). Their ids carry only a paper id: whoever presses one acts on
 * their own list, or votes as themselves in the channel the button is in, so a forged id reaches nothing else.
 */
import type { Action } from './model.js';

export const SAVE_PREFIX = 'save:';
export const UNSAVE_PREFIX = 'unsave:';
export const VOTE_PREFIX = 'vote:';
export const SAVED_PAGE_PREFIX = 'saved-page:';
export const SAVED_CLEAR_PREFIX = 'saved-clear:';

export function saveAction(paperId: string): Action {
  return { type: 'button', id: `${SAVE_PREFIX}${paperId}`, label: 'Save', command: `/papers save ${paperId}` };
}

/** 👍 and 👎 with the channel's counts. */
export function voteActions(paperId: string, counts: { up: number; down: number } = { up: 0, down: 0 }): Action[] {
  return [
    {
      type: 'button',
      id: `${VOTE_PREFIX}up:${paperId}`,
      label: `👍 ${counts.up}`,
      command: `/papers vote ${paperId} up`,
    },
    {
      type: 'button',
      id: `${VOTE_PREFIX}down:${paperId}`,
      label: `👎 ${counts.down}`,
      command: `/papers vote ${paperId} down`,
    },
  ];
}
