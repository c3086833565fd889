/**
 * Common given names (English-speaking countries and frequent international names) for the NAME detector.
 * Names that are also everyday words ("May", "Will", "Mark", "Grace", "Hope") are left out on purpose: the
 * detector prefers missing a name to masking ordinary text.
 */
const NAMES = `
Aaron Abigail Adam Adrian Ahmed Aidan Aisha Alan Albert Alejandro Alex Alexander Alexandra Alexis Alfred Ali Alice
Alicia Alison Allison Amanda Amber Amelia Amy Ana Andre Andrea Andrew Angela Anita Ann Anna Anne Annie Anthony
Antonio Arthur Ashley Audrey Austin Barbara Benjamin Bernard Beth Betty Beverly Brandon Brenda Brian Brittany Bruce
Bryan Caleb Cameron Carl Carlos Carmen Carol Caroline Carolyn Catherine Charles Charlotte Chen Cheryl Chloe Chris
Christian Christina Christine Christopher Cindy Claire Clara Daniel Danielle David Deborah Denise Dennis Diana Diane
Diego Dimitri Donald Donna Doris Dorothy Douglas Dylan Edward Elena Eleanor Elijah Elizabeth Ella Emily Emma Eric
Erica Ethan Eugene Eva Evelyn Fatima Felix Fernando Fiona Frances Francesca Francis Frank Gabriel Gabriela Gary
George Gerald Gloria Gregory Hannah Harold Harry Heather Helen Henry Hiroshi Howard Ian Isaac Isabel Isabella Ivan
Jack Jacob Jacqueline James Jane Janet Janice Jason Jasmine Jean Jeffrey Jennifer Jeremy Jerry Jessica Joan Joe
John Johnny Jonathan Jordan Jorge Jose Joseph Joshua Joyce Juan Judith Judy Julia Julian Julie Justin Karen Katherine
Kathleen Kathryn Katie Keith Kelly Kenneth Kevin Kimberly Kyle Laura Lauren Lawrence Leah Leo Liam Linda Lisa Logan
Lori Louis Lucas Lucy Luis Luke Maria Marie Marilyn Martha Martin Mary Matthew Megan Melissa Mia Michael Michelle
Miguel Mohammed Muhammad Nancy Natalie Nathan Nicholas Nicole Noah Olivia Oliver Pamela Patricia Patrick Paul Peter
Philip Priya Rachel Rajesh Ralph Raymond Rebecca Richard Robert Roger Ronald Ruth Ryan Samantha Samuel Sandra Sara
Sarah Scott Sean Sharon Shirley Sofia Sophia Sophie Stephanie Stephen Steven Susan Teresa Terry Thomas Timothy Tyler
Victoria Vincent Virginia Walter Wayne William Zachary Zoe Yuki Wei Mei Olga Pierre Hans Klaus Sven Lars Ingrid Giulia
Marco Luca Matteo Pablo Javier Sergio Raj Arjun Anil Sanjay Kenji Takeshi Omar Hassan Layla Noor Amir Yusuf Mateo Ava
`;

/**
 * Given names the NAME detector starts from.
 *
 * @example
 * ```ts
 * FIRST_NAMES.has('Sarah'); // true
 * ```
 */
export const FIRST_NAMES: ReadonlySet<string> = new Set(NAMES.split(/\s+/).filter(Boolean));

/**
 * Capitalised words that are not surnames even after a given name ("Jack Street", "Julia Monday").
 *
 * @example
 * ```ts
 * NOT_SURNAMES.has('Street'); // true
 * ```
 */
export const NOT_SURNAMES: ReadonlySet<string> = new Set(
  (
    'Street St Road Rd Avenue Ave Lane Drive Court Way Place Boulevard Square Park University College School Hospital ' +
    'Inc Ltd Llc Corp Company Group Bank Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March ' +
    'April May June July August September October November December The And Or But If When Then This That These Those ' +
    'I You He She We They It Is Are Was Were Has Have Had Will Would Can Could Should My Your His Her Our Their Hi Hello ' +
    'Dear Thanks Thank Please Yes No Not Also Today Tomorrow Yesterday Here There What Why How Who Where Which'
  ).split(/\s+/),
);
