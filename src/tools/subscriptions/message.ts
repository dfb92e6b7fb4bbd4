/** Message is one realtime message: its name (the subscription it answers, or PB_CONNECT) and its JSON text. */
export interface Message {
  name: string;
  data: string;
}

/** sseFrame writes a message as a Server-Sent Events frame whose id is the client's id. */
export function sseFrame(clientId: string, message: Message): string {
  return `id:${clientId}\nevent:${message.name}\ndata:${message.data}\n\n`;
}
