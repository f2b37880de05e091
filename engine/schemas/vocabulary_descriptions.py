"""What each action and each observation means, in one line: shown in the scenario's JSON
Schema (an editor shows it beside the value) and in the interview. The values themselves are in
:mod:`engine.schemas.vocabulary`; the tables live apart only because they are long.
"""

from __future__ import annotations

from .vocabulary import Action, Observation

ACTION_DESCRIPTIONS = {
    Action.direct_approach_to_top: (
        "we approach their top people directly, not through their organisation"
    ),
    Action.task_focused_meetings: (
        "our meetings go straight to business, with little time to get to know them"
    ),
    Action.pushing_for_quick_decision: "we press them to decide quickly",
    Action.written_proposals_only: (
        "we make our case in writing only, never presenting it in person"
    ),
    Action.email_only_contact: "we keep in touch with them by email only",
    Action.social_invitations: "we invite them to meals, events or other social occasions",
    Action.using_intermediary: (
        "a go-between introduces us or speaks for us: an adviser, a trade office, a mutual contact"
    ),
    Action.giving_direct_criticism: "we criticise their work plainly and explicitly",
    Action.detailed_contract_first: (
        "we open with a detailed contract before the relationship is built"
    ),
    Action.junior_team_sent: "the people we send to meet them are junior to theirs",
    Action.first_names_from_the_start: (
        "we use first names and informal address from the first contact"
    ),
    Action.giving_gifts: "we give them gifts",
    Action.offering_hospitality: "we pay for their meals, entertainment, travel or stays",
    Action.using_local_agent: (
        "a local commercial agent or representative acts for us in their market"
    ),
    Action.tight_meeting_agenda: "we run meetings to a tight agenda and timetable",
    Action.feedback_in_group_settings: (
        "we give feedback or criticism with others present: a group call, a meeting"
    ),
    Action.principles_first_presentation: (
        "we present the reasoning and principles first, the conclusion after"
    ),
    Action.applications_first_presentation: (
        "we present the conclusion and the practical how-to first, the reasoning briefly if at all"
    ),
    Action.video_calls_only: "we meet them by video call only, never in person",
    Action.fixed_deadlines_imposed: "we set deadlines for them without agreeing them first",
    Action.hard_bargaining: "we bargain hard: high demands, few concessions, pressure",
    Action.working_through_interpreter: "we speak with them through an interpreter",
    Action.missing_our_deadlines: "we missed a deadline or broke a commitment we had given them",
    Action.sending_formal_contract_threat: (
        "we sent a formal letter citing the contract, penalties or lawyers to press them"
    ),
    Action.copying_others_on_complaints: (
        "we copied their superiors, colleagues or outsiders (their bank, a client) on a complaint"
    ),
    Action.correcting_their_senior_in_public: (
        "one of us corrected or contradicted one of their senior people in front of others"
    ),
    Action.going_over_their_head: (
        "we wrote to or called someone senior to our counterpart, bypassing our counterpart"
    ),
    Action.announcing_in_a_language_they_do_not_work_in: (
        "we announce or explain things to them in a language most of them do not work in"
    ),
    Action.translating_our_materials: (
        "we give them our documents, decks or announcements in their working language"
    ),
    Action.owning_our_mistake: "we told them plainly which part of a problem was our fault",
    Action.senior_visit_in_person: "a senior person of ours visits them in person",
    Action.changing_our_contact_person: "the person who deals with them for us is replaced",
    Action.consulting_employee_representatives: (
        "we inform and consult their works council, union or other employee representatives"
    ),
    Action.restructuring_their_organisation: (
        "we change their organisation: merging units, cutting or moving jobs or how they work"
    ),
    Action.giving_understated_criticism: (
        'we criticise softly, with hedges and qualifiers: "maybe we could look at..."'
    ),
    Action.deciding_by_group_consensus: (
        "we ask the whole group what should change and let it decide together"
    ),
}


# Two pairs are kept apart on purpose. A payment request can be unusual in what it is for
# (request_for_unusual_payment) or in whom it goes to (request_for_payment_to_third_party):
# the sources list both as separate red flags and one request may show both. Resignations of
# people who matter to us can happen anywhere; staff_turnover_after_merger is departures in
# numbers that follow a merger. A request to "revisit" a contract is
# contract_renegotiation_requested: the same meaning needs no second value.
OBSERVATION_DESCRIPTIONS = {
    Observation.polite_deferral: (
        'they put our request off politely: "we will consider it", "we will check internally"'
    ),
    Observation.requests_passed_along: (
        "our requests are handed on to someone else instead of being answered"
    ),
    Observation.no_decision: "no decision comes, though the time we expected has passed",
    Observation.silence_in_meetings: "their people say little in meetings with us",
    Observation.agreement_then_no_action: "they say yes, and nothing follows",
    Observation.many_people_consulted: (
        "many people on their side are consulted before anything is decided"
    ),
    Observation.questions_about_our_firm: (
        "they ask many questions about our firm: its history, references, finances, stability"
    ),
    Observation.social_invitations_received: "they invite us to meals, events or their homes",
    Observation.deadlines_missed: "they miss deadlines they agreed to",
    Observation.open_disagreement: "they disagree with us openly, in front of others",
    Observation.team_silent_on_calls: (
        "a remote team stays silent on calls: no questions, no objections"
    ),
    Observation.bad_news_hidden: "problems on their side reach us late or not at all",
    Observation.gift_offered_to_us: "they give or offer us a gift",
    Observation.request_for_unusual_payment: (
        "they ask for a payment unusual in its purpose: an unexplained fee, cash, speed money"
    ),
    Observation.official_involved: (
        "a public official takes part in the matter: a permit, an inspection, a public tender"
    ),
    Observation.long_social_meetings: "meetings run long, with much social time before business",
    Observation.contract_renegotiation_requested: (
        'they ask to renegotiate or "revisit" a contract already agreed'
    ),
    Observation.meetings_start_late: "meetings start late, or their people arrive late",
    Observation.blunt_criticism_received: "they criticise us bluntly and directly",
    Observation.staff_turnover_after_merger: (
        "their staff leave in numbers after a merger or acquisition"
    ),
    Observation.distributor_underperforming: (
        "a distributor or partner selling for us falls short of its targets"
    ),
    Observation.silence_after_proposal: (
        "they have not answered since we sent a proposal or an offer"
    ),
    Observation.competitor_courting_them: (
        "another firm is courting them for the business we want, or already holds it"
    ),
    Observation.counter_offer_received: "they answered our offer with a counter-offer",
    Observation.price_reduction_requested: "they ask us to lower our price or improve our terms",
    Observation.questions_about_who_attends: (
        "they ask who from our side will attend, and at what rank"
    ),
    Observation.decision_referred_to_parent: (
        "they say the decision lies with their parent company, headquarters or group"
    ),
    Observation.works_council_consultation: (
        "a works council, union or other employee representatives ask to be informed or consulted"
    ),
    Observation.resignations: (
        "people on their side who matter to us resign: our contact, a champion, key experts"
    ),
    Observation.public_criticism: (
        "someone on their side criticises a person (theirs or ours) in front of others"
    ),
    Observation.request_for_payment_to_third_party: (
        "they ask us to pay someone other than the party we contract with, or pay it abroad"
    ),
    Observation.their_language_requested: (
        "they ask for documents, presentations or meetings in their own language"
    ),
    Observation.reasoning_requested: (
        "they ask why before how: the reasoning or principles behind what we propose"
    ),
    Observation.senior_no_longer_attends: (
        "a senior person of theirs who used to take part no longer joins"
    ),
    Observation.expects_to_be_consulted_first: (
        "a senior person of theirs expects to be consulted before we address their people"
    ),
    Observation.meetings_interrupted: (
        "meetings are interrupted by calls, visitors or prayer times; the agenda is loosely kept"
    ),
    Observation.infrastructure_disruptions: (
        "power cuts, connectivity or other infrastructure problems slow their work"
    ),
}
