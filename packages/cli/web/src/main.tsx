/** Entry point of the web view: load the data (embedded or from the API), render, follow the stream. */
import { render } from 'preact';
import { App } from './app.js';
import { connect } from './data.js';
import { warmUpLayout } from './layout.js';
import { Store } from './store.js';
import './styles.css';

const store = new Store();
const root = document.getElementById('app');
if (root) {
  warmUpLayout();
  render(<App store={store} />, root);
  void connect(store);
}
