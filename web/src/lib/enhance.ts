import type { SubmitFunction } from '$app/forms';
import { tick } from 'svelte';

/**
 * `use:enhance={submitForm}`: the default enhancement, plus no double submission, and after a
 * failure the keyboard focus goes to the first field in error (else to the form's alert).
 */
export const submitForm: SubmitFunction = ({ formElement, submitter }) => {
  const button = submitter instanceof HTMLButtonElement ? submitter : null;
  if (button) button.disabled = true;
  formElement.setAttribute('aria-busy', 'true');
  return async ({ result, update }) => {
    try {
      await update();
    } finally {
      if (button) button.disabled = false;
      formElement.removeAttribute('aria-busy');
    }
    if (result.type !== 'failure') return;
    await tick();
    const target =
      formElement.querySelector<HTMLElement>('[aria-invalid="true"]') ??
      formElement.querySelector<HTMLElement>('[role="alert"]');
    target?.focus();
  };
};
