// Post, comment and reaction forms work without JavaScript: the action answers with a redirect back
// to the page. With JavaScript, they say so (`inPlace`), the action answers with the new state
// instead, and the page applies it where it stands: no reload, no jump, the focus kept.
import { applyAction, type SubmitFunction } from '$app/forms';
import { goto } from '$app/navigation';
import type { FormFailure } from '#lib/forms.ts';
import { IN_PLACE_FIELD } from './walls.ts';

type Handlers<T> = {
  done: (data: T, form: HTMLFormElement) => void | Promise<void>;
  failed?: (failure: FormFailure, form: HTMLFormElement) => void;
};

export function inPlace<T extends Record<string, unknown>>({ done, failed }: Handlers<T>): SubmitFunction {
  return ({ formData, formElement, submitter }) => {
    formData.set(IN_PLACE_FIELD, '1');
    const button = submitter instanceof HTMLButtonElement ? submitter : null;
    if (button) button.disabled = true;
    formElement.setAttribute('aria-busy', 'true');
    return async ({ result }) => {
      if (button) button.disabled = false;
      formElement.removeAttribute('aria-busy');
      if (result.type === 'success') await done(result.data as T, formElement);
      else if (result.type === 'failure') failed?.(result.data as FormFailure, formElement);
      else if (result.type === 'redirect') await goto(result.location);
      else await applyAction(result);
    };
  };
}
