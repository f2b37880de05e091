"""The scenario's vocabulary: every enumerated value a consultant can choose and a rule can
test. One owner: the scenario models (:mod:`engine.schemas.scenario`) and the fact types
(:mod:`engine.schemas.facts`) both take their values from here. What each action and
observation means, in one line, is in :mod:`engine.schemas.vocabulary_descriptions`.
"""

from __future__ import annotations

from enum import StrEnum


class OrganisationType(StrEnum):
    large_corporation = "large_corporation"
    family_business = "family_business"
    small_business = "small_business"
    startup = "startup"
    multinational_subsidiary = "multinational_subsidiary"
    government = "government"
    non_profit = "non_profit"
    professional_firm = "professional_firm"
    state_owned_enterprise = "state_owned_enterprise"
    distributor = "distributor"
    mid_sized_company = "mid_sized_company"  # a Mittelstand-style firm, often owner-led
    listed_company = "listed_company"  # its shares trade publicly: disclosure rules apply


class Structure(StrEnum):
    hierarchical = "hierarchical"
    flat = "flat"
    mixed = "mixed"


class Rank(StrEnum):
    top = "top"
    senior = "senior"
    middle = "middle"
    working = "working"


class Contact(StrEnum):
    none = "none"
    occasional = "occasional"
    regular = "regular"
    close = "close"


class RelationshipStage(StrEnum):
    first_contact = "first_contact"
    early = "early"
    established = "established"
    long_standing = "long_standing"


class SeenAs(StrEnum):
    unknown = "unknown"
    vendor = "vendor"
    advisor = "advisor"
    partner = "partner"
    competitor = "competitor"
    customer = "customer"
    headquarters = "headquarters"
    colleague = "colleague"


class Role(StrEnum):
    """Who we are to them: the direction and kind of the relationship, from our side."""

    seller = "seller"  # we sell goods to them
    service_provider = "service_provider"  # they are our client: we serve them
    buyer = "buyer"  # we buy goods from them
    client = "client"  # we are their client: they serve us
    manager = "manager"  # we manage them
    managed = "managed"  # they manage us
    partner = "partner"  # a joint venture, an alliance, a distributor or agent we appoint
    acquirer = "acquirer"  # we acquired (or are acquiring) them
    acquired = "acquired"  # they acquired (or are acquiring) us
    headquarters = "headquarters"  # they are our subsidiary
    subsidiary = "subsidiary"  # they are our headquarters
    colleague = "colleague"  # colleagues in one company, neither managing the other


ROLE_DESCRIPTIONS = {
    Role.seller: "we sell goods to them",
    Role.service_provider: "they are our client: we provide a service to them",
    Role.buyer: "we buy goods from them",
    Role.client: "we are their client: they provide a service to us",
    Role.manager: "we manage them",
    Role.managed: "they manage us",
    Role.partner: "partners: a joint venture, an alliance, or a distributor or agent we appoint",
    Role.acquirer: "we acquired them, or are acquiring them",
    Role.acquired: "they acquired us, or are acquiring us",
    Role.headquarters: "we are their headquarters; they are our subsidiary",
    Role.subsidiary: "they are our headquarters; we are their subsidiary",
    Role.colleague: "colleagues in one company; neither manages the other",
}


class PartnershipKind(StrEnum):
    joint_venture = "joint_venture"
    alliance = "alliance"
    distributor = "distributor"  # a distributor or reseller we appoint
    agent = "agent"  # a commercial agent we appoint
    licensee = "licensee"


class DecisionRole(StrEnum):
    """The part a person plays in the decision that matters to us."""

    decides = "decides"
    influences = "influences"
    gatekeeper = "gatekeeper"
    champion = "champion"
    user = "user"


class Gender(StrEnum):
    woman = "woman"
    man = "man"
    other = "other"


class RelativeAge(StrEnum):
    """A person's age compared with the person who leads for us."""

    much_older = "much_older"
    similar = "similar"
    much_younger = "much_younger"


class PartyKind(StrEnum):
    """A third organisation or group that shapes the case."""

    their_parent = "their_parent"  # their parent company or group, which decides some things
    our_parent = "our_parent"  # our own parent or group, which decides some things for us
    intermediary = "intermediary"  # a go-between: agent, trade office, adviser, introducer
    competitor = "competitor"  # another firm courting them
    regulator = "regulator"  # an authority whose approval the case needs


class Decides(StrEnum):
    """What a party decides for the organisation it governs."""

    approvals = "approvals"
    contracts = "contracts"
    pricing = "pricing"
    processes = "processes"
    hiring = "hiring"
    strategy = "strategy"
    budgets = "budgets"


class ActionStatus(StrEnum):
    ongoing = "ongoing"  # we are doing it now (the default)
    done = "done"  # we did it; it is part of the story
    planned = "planned"  # we intend to: advice comes as "before you do this"


class DateKind(StrEnum):
    meeting = "meeting"
    visit = "visit"
    deadline = "deadline"
    call = "call"
    announcement = "announcement"


class PersonalContact(StrEnum):
    none = "none"
    little = "little"
    some = "some"
    strong = "strong"


class GoalKind(StrEnum):
    win_first_deal = "win_first_deal"
    expand_scope = "expand_scope"
    negotiate_contract = "negotiate_contract"
    resolve_conflict = "resolve_conflict"
    manage_team = "manage_team"
    enter_market = "enter_market"
    find_partner = "find_partner"
    give_feedback = "give_feedback"
    manage_remote_team = "manage_remote_team"
    appoint_distributor = "appoint_distributor"
    integrate_after_merger = "integrate_after_merger"
    meet_senior_executives = "meet_senior_executives"
    present_proposal = "present_proposal"


class Action(StrEnum):
    """Things we did, are doing or plan to do, that rules may judge (each scenario entry has a
    status: done, ongoing or planned)."""

    direct_approach_to_top = "direct_approach_to_top"
    task_focused_meetings = "task_focused_meetings"
    pushing_for_quick_decision = "pushing_for_quick_decision"
    written_proposals_only = "written_proposals_only"
    email_only_contact = "email_only_contact"
    social_invitations = "social_invitations"
    using_intermediary = "using_intermediary"
    giving_direct_criticism = "giving_direct_criticism"
    detailed_contract_first = "detailed_contract_first"
    junior_team_sent = "junior_team_sent"
    first_names_from_the_start = "first_names_from_the_start"
    giving_gifts = "giving_gifts"
    offering_hospitality = "offering_hospitality"
    using_local_agent = "using_local_agent"
    tight_meeting_agenda = "tight_meeting_agenda"
    feedback_in_group_settings = "feedback_in_group_settings"
    principles_first_presentation = "principles_first_presentation"
    applications_first_presentation = "applications_first_presentation"
    video_calls_only = "video_calls_only"
    fixed_deadlines_imposed = "fixed_deadlines_imposed"
    hard_bargaining = "hard_bargaining"
    working_through_interpreter = "working_through_interpreter"
    missing_our_deadlines = "missing_our_deadlines"
    sending_formal_contract_threat = "sending_formal_contract_threat"
    copying_others_on_complaints = "copying_others_on_complaints"
    correcting_their_senior_in_public = "correcting_their_senior_in_public"
    going_over_their_head = "going_over_their_head"
    announcing_in_a_language_they_do_not_work_in = "announcing_in_a_language_they_do_not_work_in"
    translating_our_materials = "translating_our_materials"
    owning_our_mistake = "owning_our_mistake"
    senior_visit_in_person = "senior_visit_in_person"
    changing_our_contact_person = "changing_our_contact_person"
    consulting_employee_representatives = "consulting_employee_representatives"
    restructuring_their_organisation = "restructuring_their_organisation"
    giving_understated_criticism = "giving_understated_criticism"
    deciding_by_group_consensus = "deciding_by_group_consensus"


class Observation(StrEnum):
    """Things we observe on their side."""

    polite_deferral = "polite_deferral"
    requests_passed_along = "requests_passed_along"
    no_decision = "no_decision"
    silence_in_meetings = "silence_in_meetings"
    agreement_then_no_action = "agreement_then_no_action"
    many_people_consulted = "many_people_consulted"
    questions_about_our_firm = "questions_about_our_firm"
    social_invitations_received = "social_invitations_received"
    deadlines_missed = "deadlines_missed"
    open_disagreement = "open_disagreement"
    team_silent_on_calls = "team_silent_on_calls"
    bad_news_hidden = "bad_news_hidden"
    gift_offered_to_us = "gift_offered_to_us"
    request_for_unusual_payment = "request_for_unusual_payment"
    official_involved = "official_involved"
    long_social_meetings = "long_social_meetings"
    contract_renegotiation_requested = "contract_renegotiation_requested"  # also "revisit" it
    meetings_start_late = "meetings_start_late"
    blunt_criticism_received = "blunt_criticism_received"
    # departures in numbers after a merger; resignations below is key people, for any reason
    staff_turnover_after_merger = "staff_turnover_after_merger"
    distributor_underperforming = "distributor_underperforming"
    silence_after_proposal = "silence_after_proposal"
    competitor_courting_them = "competitor_courting_them"
    counter_offer_received = "counter_offer_received"
    price_reduction_requested = "price_reduction_requested"
    questions_about_who_attends = "questions_about_who_attends"
    decision_referred_to_parent = "decision_referred_to_parent"
    works_council_consultation = "works_council_consultation"
    resignations = "resignations"
    public_criticism = "public_criticism"
    # unusual in whom it goes to; request_for_unusual_payment is unusual in what it is for
    request_for_payment_to_third_party = "request_for_payment_to_third_party"
    their_language_requested = "their_language_requested"
    reasoning_requested = "reasoning_requested"
    senior_no_longer_attends = "senior_no_longer_attends"
    expects_to_be_consulted_first = "expects_to_be_consulted_first"
    meetings_interrupted = "meetings_interrupted"
    infrastructure_disruptions = "infrastructure_disruptions"


class Preference(StrEnum):
    """How the counterpart has told us, or shown us, that they like to work."""

    direct_communication = "direct_communication"
    indirect_communication = "indirect_communication"
    quick_decisions = "quick_decisions"
    consensus_decisions = "consensus_decisions"
    informal_style = "informal_style"
    formal_style = "formal_style"
    task_first = "task_first"
    relationship_first = "relationship_first"
    detailed_contracts = "detailed_contracts"
    flexible_agreements = "flexible_agreements"
    open_debate = "open_debate"
    strict_schedules = "strict_schedules"
    flexible_schedules = "flexible_schedules"
    written_follow_up = "written_follow_up"
