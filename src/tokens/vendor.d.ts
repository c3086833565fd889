/** Types of tokenizer packages that publish none. */
declare module 'mistral-tokenizer-js' {
  interface MistralTokenizer {
    vocabById: string[];
    encode(prompt: string, addBosToken?: boolean, addPrecedingSpace?: boolean): number[] | undefined;
    decode(tokenIds: number[], addBosToken?: boolean, addPrecedingSpace?: boolean): string;
  }
  const mistralTokenizer: MistralTokenizer;
  export default mistralTokenizer;
}
