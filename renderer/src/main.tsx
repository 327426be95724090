import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connectApi } from './api';
import { App } from './app';
import { createAppStore } from './store/app-store';
import { StoreProvider } from './store/store-context';
import './styles/app.css';

const store = createAppStore(connectApi());
const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root');

createRoot(root).render(
  <StrictMode>
    <StoreProvider store={store}>
      <App />
    </StoreProvider>
  </StrictMode>,
);
