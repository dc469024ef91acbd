// Stands in for element-ui's Message and MessageBox (mapped to 'element-ui' by each page's import
// map). MessageBox.confirm is the browser's confirm(): it resolves on OK and rejects with 'cancel'
// otherwise, as element-ui's does.
import { effect } from './effects.js';

export function Message(options) {
  effect(`Message ${typeof options === 'string' ? options : options.message}`);
}
Message.error = (options) => Message(options);

export const MessageBox = {
  confirm(message, title) {
    effect(`MessageBox.confirm ${title}`);
    return window.confirm(`${title}\n${message}`) ? Promise.resolve('confirm') : Promise.reject('cancel');
  },
};
