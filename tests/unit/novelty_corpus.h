/*
 * novelty_corpus.h - letters to a Police and Crime Commissioner's office,
 * written for test_novelty.c (fictional people and places).
 *
 * Each letter is a greeting, a body of 100-400 words and a sign-off
 * (signoffs_used, same index), kept apart so the test can re-greet, reflow
 * and quote them; each has one sentence stating a new fact to insert after
 * an anchor in its body, and a small edit (a changed date or figure) that
 * is not new information.
 */
#ifndef TEST_NOVELTY_CORPUS_H
#define TEST_NOVELTY_CORPUS_H

struct letter {
	const char *greeting;
	const char *body;
	const char *anchor;		/* the new fact goes after this text in body */
	const char *new_fact;
	const char *edit_from, *edit_to;	/* a small edit that is not new information */
};

static const struct letter corpus[] = {
	{ "Dear Sir/Madam,",
	  "I am writing to complain about the way my report of a burglary at my\n"
	  "home on Station Road was handled by officers from the Kendal station.\n"
	  "The burglary took place on the night of 12 October while my wife and I\n"
	  "were visiting our daughter in Lancaster. When we returned we found the\n"
	  "back door forced and my late father's medals, a laptop and some\n"
	  "jewellery missing.\n\n"
	  "I telephoned 101 the following morning and was told that an officer\n"
	  "would attend within 48 hours. Nobody came for six days. When an officer\n"
	  "did eventually arrive he spent less than ten minutes in the house, did\n"
	  "not take fingerprints from the door frame and told me that there was\n"
	  "very little chance of anything being recovered. I was given a crime\n"
	  "reference number and have heard nothing since.\n\n"
	  "I accept that the police are busy, but a neighbour has since told me\n"
	  "that a man was seen trying door handles in our street that same night\n"
	  "and that he reported it at the time. Nobody has asked him for a\n"
	  "statement. I would like to know why the house was not examined\n"
	  "properly, why the information from my neighbour has not been followed\n"
	  "up and what the Commissioner intends to do to make sure that victims\n"
	  "of burglary in South Lakeland are taken seriously.\n\n"
	  "I would be grateful for a full written response.",
	  "I was given a crime\nreference number and have heard nothing since.",
	  "On 3 November I received a letter from the council refusing my request for CCTV footage of the street.",
	  "12 October", "13 October" },
	{ "Dear Commissioner,",
	  "For over a year my family has had to live next to a household that\n"
	  "plays loud music until four or five in the morning, shouts abuse at\n"
	  "passers-by and leaves rubbish and broken glass across the shared path.\n"
	  "My children are frightened to walk past the house on their way to\n"
	  "school. I have kept a diary of every incident, which now runs to more\n"
	  "than ninety entries.\n\n"
	  "I have reported the behaviour to the police on at least fifteen\n"
	  "occasions. Each time I am told that it is a matter for the housing\n"
	  "association, and each time the housing association tells me that it\n"
	  "cannot act without evidence from the police. Nobody is prepared to\n"
	  "take responsibility and the situation is getting worse.\n\n"
	  "The neighbourhood policing team promised in June to hold a joint\n"
	  "meeting with the housing association and the council's anti-social\n"
	  "behaviour officer. That meeting never happened and my emails to the\n"
	  "sergeant have gone unanswered. I am now asking the Commissioner to\n"
	  "intervene, to arrange the meeting that was promised and to explain why\n"
	  "a community trigger review has not been offered to us when we clearly\n"
	  "meet the threshold.",
	  "my emails to the\nsergeant have gone unanswered.",
	  "Last Friday one of the men from the house threw a brick through our kitchen window while my son was standing beside it.",
	  "fifteen", "sixteen" },
	{ "Good afternoon,",
	  "I live on the B5284 at Crook and I am writing, on behalf of many\n"
	  "residents, about the speed of traffic through the village. The limit\n"
	  "is thirty miles an hour but most vehicles pass the primary school at\n"
	  "well over forty, and motorcycles regularly exceed seventy on the\n"
	  "straight beyond the church.\n\n"
	  "The parish council carried out its own speed survey in September with\n"
	  "a borrowed device. Over one week it recorded more than two thousand\n"
	  "vehicles above the limit, of which three hundred were travelling at\n"
	  "more than fifty. These figures have been sent to the road policing\n"
	  "unit twice without any reply.\n\n"
	  "We are asking for three things: a mobile safety camera visit at least\n"
	  "once a month, support for a Community Speed Watch group, for which we\n"
	  "already have eight volunteers, and a meeting with the Commissioner or\n"
	  "a member of his staff to discuss a permanent camera. We understand\n"
	  "that resources are limited, but someone is going to be killed on this\n"
	  "road and we do not want to write to you again after that has happened.",
	  "These figures have been sent to the road policing\nunit twice without any reply.",
	  "On Sunday evening a cyclist was knocked down outside the church and is still in hospital with a broken pelvis.",
	  "eight volunteers", "nine volunteers" },
	{ "Dear Sir,",
	  "I wish to make a formal complaint about the conduct of a police\n"
	  "community support officer in Whitehaven town centre on Saturday\n"
	  "afternoon. I was sitting on a bench outside the library with my\n"
	  "elderly mother when the officer approached us and told us to move on\n"
	  "because we were causing an obstruction, which we plainly were not.\n\n"
	  "When I asked politely what law we were breaking, she raised her voice,\n"
	  "called me a smart alec in front of a crowd of shoppers and threatened\n"
	  "to have me arrested. My mother, who is eighty-three and uses a walking\n"
	  "frame, was extremely upset and had to be helped to the car.\n\n"
	  "I noted the officer's collar number and I have the names of two\n"
	  "witnesses who are willing to give statements. I am not asking for\n"
	  "anyone to lose their job. I am asking for an apology, for the officer\n"
	  "to be given advice about how to speak to members of the public and\n"
	  "for confirmation that body-worn camera footage of the incident has\n"
	  "been kept, as I understand it is usually deleted after thirty one days.",
	  "had to be helped to the car.",
	  "My mother has since been admitted to hospital with chest pains which her doctor links to the stress of that afternoon.",
	  "eighty-three", "eighty-four" },
	{ "Dear Freedom of Information Officer,",
	  "On 2 September I asked your office, under the Freedom of Information\n"
	  "Act, for the total amount spent by the Office of the Police and Crime\n"
	  "Commissioner on external consultants in each of the last three\n"
	  "financial years, broken down by supplier and by purpose.\n\n"
	  "Your reply of 30 September gave a single figure for each year and\n"
	  "refused the breakdown on the grounds of commercial interests. You did\n"
	  "not explain why disclosing the names of suppliers paid from public\n"
	  "funds would prejudice anyone's commercial interests, nor did you set\n"
	  "out the public interest test as the Act requires. Other police and\n"
	  "crime commissioners publish exactly this information every quarter.\n\n"
	  "I therefore ask for an internal review of the decision. I would also\n"
	  "point out that your reply arrived on the twentieth working day and\n"
	  "did not tell me how to complain to the Information Commissioner's\n"
	  "Office. Please treat this letter as a request for a review and\n"
	  "confirm the date by which I can expect your answer.",
	  "prejudice anyone's commercial interests, nor did you set\nout the public interest test as the Act requires.",
	  "Your own annual report, published last week, names two of the consultancy firms and the amounts they were paid.",
	  "30 September", "29 September" },
	{ "Hello,",
	  "My car, a blue Ford Focus, was seized by officers in Carlisle on\n"
	  "14 August because they believed it was uninsured. I was able to show\n"
	  "the officers an email from my insurer confirming that a policy was in\n"
	  "force, but they said that the database showed no insurance and that\n"
	  "the car would be taken to the pound.\n\n"
	  "The insurer has since written to me confirming that the car was\n"
	  "insured throughout and that the database entry was their error. I\n"
	  "sent a copy of that letter to the vehicle recovery unit on 20 August\n"
	  "and asked for the car to be released without charge. I was told that\n"
	  "I must pay the release fee of one hundred and fifty pounds and a\n"
	  "storage charge of twenty pounds for every day, and then claim the\n"
	  "money back.\n\n"
	  "I cannot afford to do that, and the storage charges are still\n"
	  "increasing through no fault of mine. I need the car to get to work. I\n"
	  "am asking the Commissioner to look at this urgently and to arrange for\n"
	  "the car to be returned to me without charge.",
	  "and then claim the\nmoney back.",
	  "Yesterday the pound told me that the car will be sold at auction if it is not collected within fourteen days.",
	  "20 August", "21 August" },
	{ "Dear Mr Hughes,",
	  "I have received the outcome of my complaint against Cumbria\n"
	  "Constabulary, reference CO/1187/26, and I am writing to ask the\n"
	  "Commissioner's office to review it, as the outcome letter says I may.\n\n"
	  "My complaint was that officers failed to investigate my report of\n"
	  "criminal damage to my allotment shed and greenhouse in May. The\n"
	  "outcome letter says that the investigation was proportionate because\n"
	  "there were no lines of enquiry. That is simply not true. I gave the\n"
	  "officer the name of the person I believe was responsible, a copy of a\n"
	  "threatening note he left on my gate and photographs of his van parked\n"
	  "by the allotments on the night in question.\n\n"
	  "None of this is mentioned in the outcome letter, which reads as though\n"
	  "the person who wrote it did not read my complaint at all. I would like\n"
	  "the review to consider whether the evidence I supplied was ever looked\n"
	  "at, and whether the service provided was acceptable.",
	  "photographs of his van parked\nby the allotments on the night in question.",
	  "Since then the same man has been convicted of damaging two other sheds on the same allotment site.",
	  "in May", "in April" },
	{ "To whom it may concern,",
	  "I am the victim of a campaign of harassment by a former partner which\n"
	  "has gone on since March. He sends me dozens of messages a day from\n"
	  "different numbers, has turned up at my workplace and has posted lies\n"
	  "about me on social media. I reported this to the police in April and\n"
	  "was given a crime number, but I have not been told whether he has\n"
	  "even been spoken to.\n\n"
	  "The officer in the case has changed three times. Each new officer asks\n"
	  "me to go through everything again from the start, which is\n"
	  "exhausting and distressing. I was promised a referral to the victim\n"
	  "support service that the Commissioner funds, but nobody from that\n"
	  "service has ever contacted me.\n\n"
	  "I am asking for the Commissioner's help in getting a single point of\n"
	  "contact in the police, a proper update on the investigation and the\n"
	  "referral I was promised. I would also like to know whether a\n"
	  "stalking protection order has been considered.",
	  "has ever contacted me.",
	  "Last night he was waiting in a car outside my house when I came home from work.",
	  "three times", "four times" },
	{ "Dear Sir or Madam,",
	  "Every morning and afternoon, parents park on the pavements and zig-zag\n"
	  "lines outside St Bega's School in Egremont. Children, parents with\n"
	  "pushchairs and people in wheelchairs are forced to walk in the road.\n"
	  "It is only a matter of time before a child is hurt.\n\n"
	  "I have raised this with the school, with the council's parking\n"
	  "enforcement team and with the local neighbourhood officer. The school\n"
	  "says it has written to parents, the council says it has too few\n"
	  "wardens to attend at those times, and the officer says that parking\n"
	  "is a council matter unless there is an obstruction. I would say that\n"
	  "a car parked across the whole pavement is an obstruction.\n\n"
	  "Could the Commissioner please ask the local policing team to attend\n"
	  "at the start and end of the school day for a few weeks, and raise the\n"
	  "matter with the council at the community safety partnership?",
	  "with the local neighbourhood officer.",
	  "This morning a seven-year-old girl was clipped by a reversing car and taken to hospital by ambulance.",
	  "few weeks", "couple of weeks" },
	{ "Dear Commissioner,",
	  "In January I lost eleven thousand pounds to a fraudster who\n"
	  "pretended to be from my bank and persuaded me to move my savings to a\n"
	  "so-called safe account. I reported the fraud to Action Fraud and to\n"
	  "Cumbria Police the same day. I was told that the case had been passed\n"
	  "to the economic crime unit and that an officer would be in touch.\n\n"
	  "Ten months later nobody has contacted me. When I ring the number I was\n"
	  "given, I am told that the case is still with the unit and that they\n"
	  "will call me back, but they never do. My bank has refunded part of\n"
	  "the money but says it cannot do more until the police investigation\n"
	  "has concluded.\n\n"
	  "I am seventy-six years old and that money was meant to pay for my\n"
	  "care. I would like to know who is dealing with my case, what has been\n"
	  "done so far and when I can expect it to be finished.",
	  "will call me back, but they never do.",
	  "Last week the same man telephoned me again and asked for my new account details.",
	  "Ten months", "Eleven months" },
	{ "Dear Sir/Madam,",
	  "I understand that the Commissioner's office contributes to the cost\n"
	  "of the town centre CCTV system in Workington, and I was dismayed to\n"
	  "read in the local paper that the council intends to switch off half of\n"
	  "the cameras next spring to save money.\n\n"
	  "The cameras on Murray Road and in the bus station have helped to\n"
	  "identify offenders in several serious assaults in the last two years,\n"
	  "including the attack on my nephew outside a nightclub. Without them I\n"
	  "do not believe the men responsible would have been convicted.\n\n"
	  "I would like to know how much the Commissioner currently contributes,\n"
	  "whether he was consulted about the council's decision and whether he\n"
	  "will use his influence, or his funding, to keep the cameras working.\n"
	  "I would also like to know what assessment has been made of the effect\n"
	  "of switching them off on crime and on public confidence in the town.",
	  "would have been convicted.",
	  "On Saturday night there was another stabbing in the bus station, directly under one of the cameras that is due to go.",
	  "half of", "most of" },
	{ "Good morning,",
	  "I am writing about drug dealing in Frizington Road Park, which has got\n"
	  "steadily worse over the summer. Young men gather by the children's play\n"
	  "area every evening, cars pull up for a minute or two and drive away,\n"
	  "and we regularly find needles and small plastic bags on the grass.\n"
	  "Parents have stopped taking their children to the park.\n\n"
	  "Residents have reported this many times through the online form and\n"
	  "by calling 101. We have given registration numbers, descriptions and\n"
	  "times. In all that time we have seen a police patrol in the park\n"
	  "only twice, and on both occasions the officers stayed in their car.\n\n"
	  "I would like the Commissioner to tell us what the police plan to do\n"
	  "about this, whether the park can be included in the summer\n"
	  "operation that is running in other parts of the county, and how\n"
	  "residents can pass on information without being identified.",
	  "through the online form and\nby calling 101.",
	  "On Tuesday my neighbour was threatened with a knife when she asked the men to move away from the swings.",
	  "only twice", "only three times" },
	{ "Dear Commissioner,",
	  "I am writing for the fourth time about the way my complaint against\n"
	  "the Chief Constable has been dealt with by your office, and I ask that\n"
	  "this letter is placed before the Commissioner personally rather than\n"
	  "answered by the same member of staff who has failed to deal with it.\n\n"
	  "My original complaint, sent in February, concerned the decision to\n"
	  "close the police front counter in Maryport without any consultation\n"
	  "with the people who use it. Many of those people are elderly, do not\n"
	  "drive and do not use the internet. The nearest open counter is now in\n"
	  "Workington, which is two bus journeys away for most of them. I set out\n"
	  "in detail how the closure has affected victims of crime, including a\n"
	  "neighbour of mine who gave up trying to report the theft of her\n"
	  "mobility scooter because she could not get through on 101.\n\n"
	  "Your office replied in March that the Chief Constable is responsible\n"
	  "for operational decisions and that the Commissioner could not\n"
	  "intervene. I do not accept that. The Commissioner sets the police and\n"
	  "crime plan, holds the Chief Constable to account for delivering it and\n"
	  "owns the estate. The plan promises that the police will be accessible\n"
	  "to every community in the county. Closing the only counter in a town\n"
	  "of eight thousand people is plainly a matter for the Commissioner.\n\n"
	  "I then asked, in April and again in June, for a copy of any equality\n"
	  "impact assessment carried out before the closure, and for the minutes\n"
	  "of the meeting at which it was decided. I have received neither, and\n"
	  "my last two emails have not even been acknowledged.\n\n"
	  "I am asking for three things: a reply from the Commissioner himself,\n"
	  "the documents I have requested, and an explanation of how the\n"
	  "Commissioner has held the Chief Constable to account for the promise\n"
	  "in his own plan. If I do not receive a proper answer within twenty\n"
	  "working days I will take the matter to the Police and Crime Panel and\n"
	  "to my Member of Parliament.",
	  "my last two emails have not even been acknowledged.",
	  "On 3 November I received a letter from the council refusing my request.",
	  "twenty\nworking days", "fifteen\nworking days" },
};

/* the sign-offs and greetings a resent letter may use instead */
static const char *const other_greetings[] = {
	"Hello again,", "To whom it may concern,", "Dear Sir or Madam,", "Hi,",
	"Good afternoon,", "Dear Mr Hughes,",
};
static const char *const other_signoffs[] = {
	"Regards,\nR. Jones", "Thanks,\nBob", "Yours sincerely,\n\nMrs P. Atkinson\n12 Fell View, Kendal",
	"Best wishes\nAlan", "Many thanks\nJ. Smith", "Yours faithfully\nD. Murray",
};
static const char *const signoffs_used[] = {
	"Yours faithfully,\nJohn Smith\n07700 900123", "Kind regards,\nMary Thompson",
	"Regards,\nPeter Hall\nChair, Crook Parish Council", "Yours faithfully,\nR. Ellis",
	"Yours sincerely,\nA. Brown", "Thanks,\nDaniel", "Yours sincerely,\nGeorge Wilson",
	"Kind regards,\nS.", "Thank you,\nClaire Dobson", "Yours sincerely,\nEdith Pearson",
	"Best regards,\nMark Little", "Thanks,\nFrizington Residents' Group",
	"Yours sincerely,\n\nMrs Joan Tyson\n4 Crosby Street\nMaryport",
};

#endif
