/**
 * The managed `PROFANITY` word list: English profanity, vulgar sexual terms, slurs and insults, compiled for
 * this project. Entries are lower-case base forms matched as whole words; simple inflections (plural, -ing,
 * -ed, -er) are handled by the matcher, so only irregular forms are listed. Phrases are space-separated.
 */

const WORDS = `
analsex arse arsehole arseholes arsewipe ass asses asshat asshole assholes assclown asscrack assface assfuck assfucker
asshead asslicker assmunch asswipe asswad assbag assbandit assbanger assjacker bastard bastards bastardo beaner
bellend biatch bint bitch bitches bitchass bitchy blowjob blowjobs bollock bollocks bollox boner boob boobs booby
boobies bugger buggery bukkake bullshit bullshitter bumfuck butthole buttfuck buttfucker buttplug buttmunch camel-toe
camgirl carpetmuncher chinc chink choad chode circlejerk clit clits cocksucker cocksuckers cock cocks cockhead
cockmonkey cockwomble cocknose coochie coochy coon coons cooter cornhole crackhead crackwhore crap crappy cum cumdump
cumshot cumslut cunnilingus cunt cunts cuntface cunty damn damned damnit dammit dickhead dick dicks dickbag dickface
dickwad dickweed dildo dildos dipshit dirtbag dogging doggystyle dong douche douchebag douchebags dumbass dumbfuck
dyke dykes fag faggot faggots fagging fags fanny fannyflaps fatass felch felching fellatio feltch fingerbang fisting
fuck fucks fucked fucker fuckers fuckface fuckhead fuckheads fuckin fucking fuckup fuckwit fuckwad fucktard fuckboy
fuckbag fuckstick fudgepacker gangbang gangbanged gaylord gook gooks goddam goddamn goddamned goddamnit handjob hell
hellhole hoe hoes honkey honky humping jackass jackasses jackoff jerkoff jizz jizzed kike kikes knobend knobhead kunt
lesbo lezzie masturbate masturbating milf minge motherfucker motherfuckers motherfucking muff muffdiver munter nigga
niggas nigger niggers nob nobhead numbnuts nutsack nympho orgy paki pecker pedo peehole perv pervert piss pissed
pisser pissflaps pisshead pissoff pisspot poon poonani poontang porn porno prick pricks pube pubes punani pussy
pussies queef raghead rape raped rapist retard retarded rimjob rimming scrote scumbag shag shagger shagging shemale
shit shite shits shitted shitter shitting shitty shithead shithole shitface shitbag shitstain shitbrains skank skanky
slag slut sluts slutty smegma snatch sonofabitch spastic spaz spic spick splooge spunk stfu tard threesome tit tits
titties titty tittyfuck tosser towelhead tranny turd twat twats twatwaffle vag wank wanker wankers wanking wetback
whore whores whorehouse wog wtf bollocking bonehead bloodclaat chickenshit clusterfuck cocksucking crapper dago darkie
dickish dumbshit feck fecking frigging frigger gash gobshite godamn hardon horseshit jagoff knobjockey lardass mofo
mothafucka mothafucker muthafucka nutjob pissant poofter poof poofs ponce prat pussyhole ratbag scumbucket shitass
shitfaced shitload shitshow skeet slutbag smartass sod sodding titwank tossbag twatface wankstain wazzock wop yid
`;

const PHRASES = `
son of a bitch
piece of shit
go to hell
suck my dick
blow job
hand job
mother fucker
jerk off
screw you
eat shit
`;

/**
 * Single-word entries of the managed profanity list (lower-case base forms).
 *
 * @example
 * ```ts
 * PROFANITY_WORDS.has('bollocks'); // true
 * ```
 */
export const PROFANITY_WORDS: ReadonlySet<string> = new Set(WORDS.split(/\s+/).filter(Boolean));

/**
 * Multi-word entries of the managed profanity list (lower-case, single spaces).
 *
 * @example
 * ```ts
 * PROFANITY_PHRASES.includes('son of a bitch'); // true
 * ```
 */
export const PROFANITY_PHRASES: readonly string[] = PHRASES.split('\n')
  .map((line) => line.trim())
  .filter(Boolean);
