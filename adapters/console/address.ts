/** How the console's channel is addressed in the core: it has one, `local`. */
export const CONSOLE_ADDRESS = 'local';
