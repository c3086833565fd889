/**
 * The default content classifier's lexicon: weighted terms and patterns per category. A sentence's score is
 * the sum of the weights that match in it; the text's confidence is that of its highest-scoring sentence:
 * 1 → LOW, 2 → MEDIUM, 3 or more → HIGH. Weight 3 is reserved for unambiguous statements ("ignore all
 * previous instructions", a slur, "how to make a bomb"); single everyday words weigh 1.
 */
import type { GuardrailContentFilterType } from '../types.js';

/**
 * A weighted pattern (RegExp source, matched case-insensitively on word boundaries). Use non-capturing groups
 * only (`(?:…)`): each entry is one capturing group of its category's combined alternation.
 *
 * @example
 * ```ts
 * const entry: LexiconEntry = { pattern: 'idiots?', weight: 2 };
 * ```
 */
export interface LexiconEntry {
  pattern: string;
  weight: 1 | 2 | 3;
}

const PEOPLE = '(?:people|immigrants|foreigners|refugees|jews|muslims|christians|hindus|blacks|whites|asians|mexicans|arabs|gays|lesbians|trans people|women|men)';

/**
 * The lexicon, per category.
 *
 * @example
 * ```ts
 * CONTENT_LEXICON.PROMPT_ATTACK.filter((entry) => entry.weight === 3).length; // the unambiguous patterns
 * ```
 */
export const CONTENT_LEXICON: Readonly<Record<GuardrailContentFilterType, readonly LexiconEntry[]>> = {
  SEXUAL: [
    { pattern: 'porn(?:o|ography|ographic)?', weight: 3 },
    { pattern: 'explicit sex(?:ual)?(?: content| acts?| scenes?)?', weight: 3 },
    { pattern: '(?:have|having|had|want) sex', weight: 3 },
    { pattern: 'sexual intercourse|intercourse', weight: 2 },
    { pattern: 'orgy|orgies|orgasms?', weight: 3 },
    { pattern: 'nude (?:photos?|pics?|images?|videos?)|nudes', weight: 3 },
    { pattern: 'blow ?jobs?|hand ?jobs?', weight: 3 },
    { pattern: 'masturbat(?:e|es|ed|ing|ion)', weight: 3 },
    { pattern: 'erotic(?:a|ally)?', weight: 2 },
    { pattern: 'naked|nude', weight: 2 },
    { pattern: 'aroused|arousal|horny', weight: 2 },
    { pattern: 'strip(?:per|pers|tease)|fetish(?:es)?|nsfw', weight: 2 },
    { pattern: 'genitals?|penis|vagina', weight: 2 },
    { pattern: 'sexual(?:ly)?|sexy|seductive|lingerie|breasts?', weight: 1 },
  ],
  VIOLENCE: [
    { pattern: "(?:i(?:'m| am)? (?:going to|gonna|will)|let's) (?:kill|murder|shoot|stab|hurt) (?:you|him|her|them|everyone)", weight: 3 },
    { pattern: 'murder(?:s|ed|ing|er|ers)?|massacre[sd]?|slaughter(?:s|ed|ing)?|behead(?:s|ed|ing)?|dismember(?:s|ed|ing)?', weight: 3 },
    { pattern: 'tortur(?:e|es|ed|ing)', weight: 3 },
    { pattern: 'beat (?:him|her|them|you|someone) (?:up|to death)|to death', weight: 2 },
    { pattern: 'kill(?:s|ed|ing|er|ers)?|stab(?:s|bed|bing)?|shoot(?:s|ing)?|shot dead|strangl(?:e|ed|ing)', weight: 2 },
    { pattern: 'bomb(?:s|ing|ed)?|assault(?:s|ed|ing)?|gore|bloodshed', weight: 2 },
    { pattern: 'kill myself|end my life|suicide|self[- ]harm', weight: 2 },
    { pattern: 'attack(?:s|ed|ing)?|fight(?:s|ing)?|punch(?:es|ed|ing)?|blood(?:y)?|violent(?:ly)?|violence', weight: 1 },
    { pattern: 'guns?|rifles?|firearms?|weapons?|knife|knives|hurt|injur(?:e|ed|y|ies)|wound(?:s|ed)?', weight: 1 },
  ],
  HATE: [
    { pattern: `(?:all|those|these|the) (?:\\w+ )?${PEOPLE} (?:are|should) (?:all )?(?:be )?(?:inferior|animals|vermin|subhuman|scum|parasites|die|killed|exterminated|deported|banned|eradicated)`, weight: 3 },
    { pattern: `(?:i )?hate (?:all )?${PEOPLE}`, weight: 3 },
    { pattern: 'nigg(?:er|a)s?|kikes?|spics?|chinks?|faggots?|wetbacks?|towelheads?|ragheads?|trann(?:y|ies)', weight: 3 },
    { pattern: 'white (?:power|supremac(?:y|ist|ists))|master race|inferior (?:race|races|people)|go back to your (?:own )?country', weight: 3 },
    { pattern: 'ethnic cleansing|genocide|exterminat(?:e|ed|ion)|subhuman|vermin', weight: 2 },
    { pattern: 'racis[mt]s?|bigot(?:s|ed|ry)?|xenophob(?:ia|ic)|homophob(?:ia|ic)|sexis[mt]|misogyn(?:y|ist)', weight: 1 },
  ],
  INSULTS: [
    { pattern: "you(?:'re| are) (?:so |such an? |a |an |the )?(?:fucking |complete |total |utter )?(?:idiot|moron|stupid|dumb|loser|pathetic|worthless|ugly|fat|failure|joke|disgrace|useless|imbecile)", weight: 3 },
    { pattern: 'piece of (?:shit|garbage|trash|crap)|fat (?:pig|slob|cow)|nobody likes you|everyone hates you', weight: 3 },
    { pattern: 'idiots?|morons?|imbeciles?|dumbass(?:es)?|retard(?:ed|s)?', weight: 2 },
    { pattern: 'scumbags?|assholes?|bastards?|bitch(?:es)?|dickheads?|pricks?|twats?|wankers?|cunts?', weight: 2 },
    { pattern: 'stupid|dumb|losers?|pathetic|worthless|useless|ugly|clowns?|jerks?|brainless|clueless|incompetent|shut up', weight: 1 },
  ],
  MISCONDUCT: [
    { pattern: 'how (?:do i|to|can i|would i) (?:make|build|cook|synthesi[sz]e|produce) (?:a |an |some )?(?:bomb|meth|methamphetamine|explosives?|napalm|nerve agent|poison|ricin)', weight: 3 },
    { pattern: '(?:buy|sell|smuggl|traffick?)(?:e|es|ed|ing)? (?:illegal )?(?:drugs|weapons|guns|cocaine|heroin|meth|fentanyl|people|organs)', weight: 3 },
    { pattern: 'launder(?:ing)? (?:the )?money|money laundering|identity theft|credit card fraud|tax evasion|evade taxes', weight: 3 },
    { pattern: 'poison (?:someone|him|her|my|them)|without (?:getting )?caught|avoid (?:the )?police', weight: 2 },
    { pattern: 'pipe bomb|explosives?|make (?:a )?bomb', weight: 2 },
    { pattern: '(?:hack(?:ing)?|break(?:ing)?) into|bypass (?:the )?(?:security|login|paywall|alarm)|hotwir(?:e|ing)', weight: 2 },
    { pattern: 'phishing|malware|ransomware|keyloggers?|counterfeit(?:s|ing)?|bribe(?:s|ry)?|blackmail(?:ing)?|extort(?:ion|ing)?|fraud(?:ulent)?|scams?', weight: 2 },
    { pattern: 'meth(?:amphetamine)?|cocaine|heroin|fentanyl|steal(?:s|ing)?|stole|theft|shoplift(?:ing)?|illegal(?:ly)?|lock ?pick(?:ing)?', weight: 1 },
  ],
  PROMPT_ATTACK: [
    { pattern: 'ignore (?:all |any |the |your )*(?:previous|prior|above|earlier|preceding|former) (?:instructions?|prompts?|rules|directions|guidelines)', weight: 3 },
    { pattern: 'disregard (?:all |any |the |your )*(?:previous |prior |above |earlier )?(?:instructions?|prompts?|rules|guidelines|above)', weight: 3 },
    { pattern: 'forget (?:all |everything |your )*(?:previous |prior )?(?:instructions?|rules|training|guidelines)', weight: 3 },
    { pattern: 'you are now (?:dan|in developer mode|jailbroken|unfiltered|unrestricted|free of)|(?:act as|you are|pretend to be) dan|do anything now', weight: 3 },
    { pattern: '(?:reveal|show|print|repeat|output|leak|tell me|give me) (?:me )?(?:your|the) (?:full |entire |original )?(?:system prompt|initial instructions|hidden instructions|instructions|prompt)', weight: 3 },
    { pattern: 'override (?:your|the|all) (?:instructions|safety|rules|guidelines|programming)|bypass (?:your |the )?(?:safety|content) (?:filters?|guidelines|policy|policies)', weight: 3 },
    { pattern: 'act as an? (?:unrestricted|unfiltered|evil|uncensored) (?:ai|assistant|model)', weight: 3 },
    { pattern: 'developer mode|jailbreak(?:s|ing|ed)?|from now on,? you (?:will|are|must)|new instructions:', weight: 2 },
    { pattern: 'without (?:any )?(?:restrictions|filters|limitations|censorship)|no (?:rules|restrictions|filters|limits) apply', weight: 2 },
    { pattern: 'system prompt|pretend (?:you are|to be|that you)|role[- ]?play as|stay in character', weight: 1 },
  ],
};
