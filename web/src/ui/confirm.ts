/**
 * A confirmation asked in a modal <dialog> (focus moves into it, Escape cancels, the page behind is inert): the
 * component's template holds one empty <dialog>; this fills it and resolves with the answer.
 * @module
 */
import { css, html, render } from 'lit'

export const dialogStyles = css`
  dialog {
    border: 1px solid #767676;
    border-radius: 6px;
    padding: 1em 1.2em;
    max-width: min(32em, 90vw);
  }
  dialog::backdrop {
    background: rgb(0 0 0 / 35%);
  }
  dialog .toolbar {
    justify-content: flex-end;
  }
`

export function confirmDialog(root: ParentNode, o: { title: string; body: string; confirm: string }): Promise<boolean> {
  const dialog = root.querySelector('dialog')
  if (dialog === null) return Promise.resolve(window.confirm(`${o.title}\n${o.body}`))
  return new Promise((resolve) => {
    const done = (answer: boolean): void => {
      dialog.removeEventListener('close', onClose)
      if (dialog.open) dialog.close()
      resolve(answer)
    }
    const onClose = (): void => done(false)
    dialog.addEventListener('close', onClose)
    dialog.setAttribute('aria-labelledby', 'dialog-title')
    dialog.setAttribute('aria-describedby', 'dialog-body')
    render(
      html`<h2 id="dialog-title">${o.title}</h2>
        <p id="dialog-body">${o.body}</p>
        <div class="toolbar">
          <button class="secondary" @click=${() => done(false)} autofocus>Cancel</button>
          <button class="danger" @click=${() => done(true)}>${o.confirm}</button>
        </div>`,
      dialog,
    )
    dialog.showModal()
  })
}
