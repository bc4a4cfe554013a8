"""Events: trigger, type, actor, recipient, place and date on reports we wrote."""
from __future__ import annotations

from .conftest import assert_no_attack_but_the_deed, span


def only(events, plover_type):
    found = [e for e in events if e.plover.type == plover_type]
    assert found, f"no {plover_type} event in {[e.plover.type for e in events]}"
    return found[0]


def test_a_withdrawal_is_a_retreat_by_the_subject_at_the_place_on_the_day(analyze):
    """'Russian troops withdrew from Izium on Saturday' is RETREAT by RUSMIL at Izium, dated."""
    result = analyze("Russian troops withdrew from Izium on Saturday.", published="2022-09-12")
    event = only(result.events, "RETREAT")
    assert span(result, event.trigger) == "withdrew"
    assert (event.actor[0].code, event.cameo, event.plover.mode) == ("RUSMIL", "0874", "withdraw")
    assert result.places[event.location.place].name == "Izyum" or span(result, result.places[event.location.place]) == "Izium"
    assert (event.date.value, event.date.precision, event.background) == ("2022-09-10", 1, False)


def test_shelling_is_an_assault_with_acled_shelling(analyze):
    """Artillery fire on a town is ASSAULT, ACLED Shelling/artillery/missile attack."""
    result = analyze("Russian artillery shelled Kramatorsk overnight, the governor said.", published="2022-06-01")
    event = only(result.events, "ASSAULT")
    assert event.acled.model_dump() == {"event_type": "Explosions/Remote violence",
                                        "sub_event_type": "Shelling/artillery/missile attack"}
    assert span(result, result.places[event.location.place]) == "Kramatorsk"


def test_an_event_years_before_the_dateline_is_background(analyze):
    """A seizure dated 2014 in a 2022 report is recalled, not reported."""
    result = analyze("Moscow seized Crimea in 2014.", published="2022-11-10")
    event = only(result.events, "COERCE")
    assert (event.date.value, event.background, event.actor[0].code) == ("2014", True, "RUSGOV")


def test_a_day_after_puts_the_earlier_event_on_the_day_before(analyze):
    """'a day after ordering a withdrawal' dates the order one day before the report's day."""
    result = analyze("The ministry said troops moved east on Thursday, a day after ordering a withdrawal.",
                     published="2022-11-10")
    order = [e for e in result.events if span(result, e.trigger) == "withdrawal"][0]
    assert order.date.value == "2022-11-09"


def test_a_date_inside_a_dateline_is_not_an_event(analyze):
    """'March 3, 2023' yields a time, not a protest march."""
    result = analyze("March 3, 2023\n\nTroops fired missiles at the port.", published="2023-03-03")
    assert [e.plover.type for e in result.events] == ["ASSAULT"]


def test_page_furniture_yields_no_events(analyze):
    """Share buttons and read times produce nothing."""
    result = analyze("Headline\n\n2 MIN READ\nShare\nTweet\n\nNothing happened today.")
    assert result.events == []


def coded(events):
    """Type, mode, CAMEO, ACLED sub-type, actor and recipient codes of each event: the coding an analyst reads."""
    return [(e.plover.type, e.plover.mode, e.cameo, e.acled.sub_event_type if e.acled else None,
             [a.code for a in e.actor], [r.code for r in e.recipient]) for e in events]


def test_an_offer_to_withdraw_is_agree_by_the_one_who_offers(analyze):
    """'Syria offered to withdraw its troops' is promised cooperation: one AGREE event by Syria, no RETREAT;
    its own troops are not whom it is done to (PLOVER names the country left, when the text does)."""
    result = analyze("Syria offered to withdraw its troops from the border.")
    assert coded(result.events) == [("AGREE", None, "035", None, ["SYRGOV"], [])]
    result = analyze("Syria offered to withdraw its troops from Lebanon.")
    assert coded(result.events) == [("AGREE", None, "035", None, ["SYRGOV"], ["LBN"])]


def test_urging_a_release_is_a_request_to_yield_to_the_one_urged(analyze):
    """'urged Iraq to release the prisoners' is REQUEST/yield from the speaker to Iraq, not a release."""
    result = analyze("The French foreign minister urged Iraq to release the prisoners.")
    assert coded(result.events) == [("REQUEST", "yield", "1053", None, ["FRAGOV"], ["IRQGOV"])]


def test_refusing_to_lift_a_curfew_is_a_rejection(analyze):
    """'refused to lift the curfew' is REJECT, not a concession."""
    result = analyze("The Turkish government refused to lift the curfew.")
    assert [(e.plover.type, e.cameo, e.actor[0].code) for e in result.events] == [("REJECT", "1241", "TURGOV")]


def test_must_in_reported_speech_is_a_demand_from_the_speaker(analyze):
    """'Germany said Iran must stop the tests': REQUEST by Germany to Iran, whatever the verb."""
    result = analyze("Germany said Iran must stop the tests.")
    assert coded(result.events) == [("REQUEST", None, "100", None, ["DEUGOV"], ["IRNGOV"])]


def test_it_in_a_reported_clause_is_the_speaker(analyze):
    """'Hungary said it will support the plan': Hungary promises support (AGREE), 'it' is Hungary."""
    result = analyze("Hungary said it will support the plan.")
    assert [(e.plover.type, e.cameo, e.actor[0].code, e.actor[0].text) for e in result.events] == [("AGREE", "032", "HUNGOV", "Hungary")]


def test_an_event_named_only_as_the_topic_of_a_complaint_is_part_of_it(analyze):
    """A complaint over air raids in which people were killed is one ACCUSE event, not three."""
    result = analyze("Lebanon complained to the United Nations over two air raids in which it said 20 people were killed.")
    assert coded(result.events) == [("ACCUSE", "disapprove", "114", None, ["LBNGOV"], ["IGOUNO"])]


def test_a_hunger_strike_is_a_protest_not_an_air_strike(analyze):
    """'began a hunger strike' is PROTEST/hunger."""
    result = analyze("Dock workers began a hunger strike on Monday.")
    assert coded(result.events) == [("PROTEST", "hunger", "142", "Peaceful protest", ["LAB"], [])]


def test_defusing_a_bomb_is_disrupted_weapons_use(analyze):
    """Police defusing a bomb is ACLED Disrupted weapons use."""
    result = analyze("Police defused a bomb near the market.")
    assert coded(result.events) == [("COERCE", "seize", "171", "Disrupted weapons use", ["COP"], [None])]


def test_stones_thrown_at_a_rally_make_it_a_violent_demonstration(analyze):
    """Protesters who throw stones are a violent demonstration, not a peaceful protest."""
    result = analyze("Protesters threw stones at police during the rally.")
    assert [(e.plover.type, e.acled.sub_event_type) for e in result.events] == [("PROTEST", "Violent demonstration")]


def test_killing_villagers_is_an_attack_and_killing_soldiers_a_clash(analyze):
    """ACLED's Attack is one-sided violence against civilians; armed victims make it an Armed clash."""
    civilians = analyze("Gunmen killed five villagers in the north.")
    soldiers = analyze("Gunmen killed five soldiers at a checkpoint.")
    assert coded(civilians.events) == [("ASSAULT", None, "190", "Attack", ["UAF"], [None])]
    assert coded(soldiers.events) == [("ASSAULT", None, "190", "Armed clash", ["UAF"], ["MIL"])]


def test_who_takes_a_town_decides_regain_or_overtake(analyze):
    """Government troops regain territory; rebels overtake it."""
    army = analyze("Government troops recaptured the town of Kidal.")
    rebels = analyze("Rebels captured the town of Kidal.")
    assert [e.acled.sub_event_type for e in army.events] == ["Government regains territory"]
    assert [e.acled.sub_event_type for e in rebels.events] == ["Non-state actor overtakes territory"]


def test_a_headline_restated_in_the_lead_is_one_event(analyze):
    """The title line's withdrawal and the lead's withdrawal are one RETREAT event, the lead's."""
    text = "Russian troops withdraw from Izium\n\nRussian troops withdrew from Izium on Saturday, officials said."
    result = analyze(text, published="2022-09-12", title="Russian troops withdraw from Izium")
    assert [(e.plover.type, span(result, e.trigger), e.id) for e in result.events] == [("RETREAT", "withdrew", "e1")]

def test_an_event_in_a_region_has_region_precision(analyze):
    """Shelling placed only in a region is located there with ACLED precision 3."""
    result = analyze("Russian forces shelled villages in Donetsk Oblast on Monday.", published="2022-06-01")
    event = only(result.events, "ASSAULT")
    assert span(result, result.places[event.location.place]) == "Donetsk Oblast"
    assert event.location.precision == 3


def test_a_dateline_town_locates_events_without_a_place(analyze):
    """With no place in its sentence, an event falls back to the dateline town, only as a region (precision 3)."""
    result = analyze("KHARKIV, Ukraine — The mayor spoke on Sunday.\nTroops shelled the outskirts overnight, officials said.",
                     published="2022-06-01")
    event = only(result.events, "ASSAULT")
    assert (span(result, result.places[event.location.place]), event.location.precision) == ("KHARKIV", 3)


def test_an_adjective_is_not_the_event_place(analyze):
    """'Ukrainian forces shelled Donetsk': the place is Donetsk, not Ukraine."""
    result = analyze("Ukrainian forces shelled Donetsk on Monday.", published="2022-06-01")
    event = only(result.events, "ASSAULT")
    assert (span(result, result.places[event.location.place]), event.location.precision) == ("Donetsk", 1)


def test_a_weapon_with_no_one_behind_it_is_an_unidentified_force_of_the_event_country(analyze):
    """'A roadside bomb near Mosul killed ...': the doer is an unknown armed force in Iraq."""
    result = analyze("A roadside bomb near the town of Mosul killed two policemen on Sunday.")
    ev = only(result.events, "ASSAULT")
    assert [(a.text, a.code, a.country) for a in ev.actor] == [("A roadside bomb", "IRQUAF", "IRQ")]


def test_dismissals_films_weather_and_remarks_are_no_attacks(analyze):
    text = ("Musk, who fired 3,700 people on Friday, was unrepentant. Modern Russian cinema is skillfully shot. "
            "I was struck by the contrast between the two conversations. Moscow was hit by heavy rain on Thursday. "
            "The testimony hit a roadblock on Monday. The plumbing explosion left 20 buildings without heat. "
            "Florida is recovering after Hurricane Ian's destruction.")
    result = analyze(text, published="2022-11-06")
    assert not [e for e in result.events if e.plover.type == "ASSAULT"]


def test_firing_on_people_is_an_attack(analyze):
    result = analyze("Russian troops fired on people queuing for bread in Chernihiv on Wednesday.", published="2022-03-17")
    assert [e for e in result.events if e.plover.type == "ASSAULT"]


def test_protesters_dispersed_protest_a_deed_of_their_own(analyze):
    result = analyze("Riot police used tear gas to disperse demonstrators protesting election results in Monrovia.",
                     published="2022-03-17")
    assert {"COERCE", "PROTEST"} <= {e.plover.type for e in result.events}


def test_a_case_a_ball_and_a_striking_fact_are_no_attacks(analyze):
    text = ("To battle a stonewalling case, the newspaper went back to court on Friday. "
            "Two midfielders battle for the ball during the league match on Sunday. "
            "Mr Duffy said he was struck by the fact that only women had crossed.")
    result = analyze(text, published="2022-08-21")
    assert not [e for e in result.events if e.plover.type == "ASSAULT"]


def test_a_casualty_clause_after_a_dateline_belongs_to_the_strike(analyze):
    """The parse makes the dateline town a subject: the strike's killing must not get it as its doer."""
    for text in ("KYIV, Ukraine (AP) - Russian missiles struck Kyiv on Monday, killing five people.",
                 "KYIV, Ukraine (AP) - Russia carried out a missile strike on Kyiv on Monday, killing five people."):
        result = analyze(text, published="2022-10-11")
        [event] = [e for e in result.events if e.plover.type == "ASSAULT"]
        assert [a.country for a in event.actor] == ["RUS"]
        assert event.casualties["killed"].min == 5


def test_dismissals_forecasts_figures_of_speech_and_kinds_of_weapon_are_no_attacks(analyze):
    text = ("Truss on Friday fired her finance minister. Netflix added 2 million subscribers, beating its forecast. "
            "The audio blows up his previous denials. The doctrine allows nuclear arms if weapons of mass destruction "
            "are used against Russia.")
    result = analyze(text, published="2022-10-14")
    assert not [e for e in result.events if e.plover.type == "ASSAULT"]


def test_no_fighting_is_negated(analyze):
    result = analyze("No fighting was reported in Kherson on Monday.", published="2022-11-15")
    assert [e.status for e in result.events if e.plover.type == "ASSAULT"] == ["negated"]


def test_test_flights_verbal_attacks_races_and_adversity_are_no_attacks(analyze):
    text = ("Scientists launched the third test flight of the heavy-lift rocket on December 27. "
            "Nixon wound up resigning after his fellow Republicans told him. "
            "Among the targets of his verbal attack was the newspaper. "
            "Bowman held off his teammate in a two-lap overtime shootout for the victory. "
            "She profiles people who fought through adversity to make the world better.")
    result = analyze(text, published="2022-12-28")
    assert not [e for e in result.events if e.plover.type == "ASSAULT"]


def test_poised_to_strike_is_still_to_come(analyze):
    result = analyze('"They are uncoiling and now poised to strike," the secretary said.', published="2022-02-20")
    assert [e.status for e in result.events if e.plover.type == "ASSAULT"] == ["future"]


def test_damaged_ties_and_a_business_hit_by_lockdowns_are_no_attacks(analyze):
    text = ("The spokesman said the visit would do little to repair the damaged diplomatic relationship. "
            "The bakery was hit hard by Covid restrictions last winter.")
    result = analyze(text, published="2022-05-26")
    assert not [e for e in result.events if e.plover.type == "ASSAULT"]


def test_calling_deeds_genocide_and_combat_gear_are_no_attacks(analyze):
    text = ("Rights groups are debating whether the killings amount to genocide. "
            "The drone is an unmanned combat aerial vehicle. "
            "The reservists lacked preparation for combat.")
    result = analyze(text, published="2022-05-26")
    assert not [e for e in result.events if e.plover.type == "ASSAULT" and e.trigger.text in ("genocide", "combat")]
    result = analyze("Heavy combat raged in Bakhmut on Monday.", published="2022-05-26")
    assert [e.trigger.text for e in result.events if e.plover.type == "ASSAULT"] == ["combat"]


def test_the_deed_a_report_reckons_time_from_is_background_not_on_the_days_date(analyze):
    """'Wednesday marked six months since Russian forces invaded Ukraine': the invasion is recalled, and
    Wednesday is the day of the marking; 'captured in the early weeks of the invasion' is recalled too."""
    result = analyze("Wednesday marked six months since Russian forces invaded Ukraine. Most of the Kherson region "
                     "was captured by Russian forces in the early weeks of the invasion. Ukrainian troops shelled a "
                     "bridge in Kherson on Tuesday.", published="2022-08-24")
    by_trigger = {span(result, e.trigger): e for e in result.events}
    assert by_trigger["invaded"].background and by_trigger["invaded"].date.text is None
    assert by_trigger["captured"].background
    assert not by_trigger["shelled"].background and by_trigger["shelled"].date.value == "2022-08-23"


def test_a_deed_told_as_before_its_clause_does_not_take_the_clause_day(analyze):
    """'regions the Kremlin claims to have annexed': Wednesday is the signing's day, not the annexation's."""
    result = analyze("Putin signed a law on Wednesday introducing martial law in four regions the Kremlin claims "
                     "to have annexed.", published="2022-10-19")
    annexed = [e for e in result.events if span(result, e.trigger) == "annexed"]
    assert annexed and annexed[0].date.text is None


def test_political_attacks_weather_and_targets_reached_are_no_attacks(analyze):
    """'attacking election integrity', 'attacks on his policy', 'targeting the November election', 'a downpour
    hit the capital': figures of speech and weather; 'missiles hit a school' stays an attack."""
    texts = ["Republicans are attacking election integrity without evidence.",
             "The divide undercuts Republicans' attacks on his policy of diplomacy.",
             "The official says adversaries are targeting the November election.",
             "Three workers went missing after a powerful downpour hit the Russian capital on Sunday.",
             "The new sanctions target a businessman close to the Kremlin.",
             'Musk attributed the change in the poll to the "biggest bot attack I have ever seen."',
             "Beijing has also clashed with Western governments over its treatment of minorities.",
             "A DDoS attack hit the ministry's website on Monday.",
             'She described a "hybrid attack" on the bloc.',
             "Scientists said the vaccine was almost 92% effective in fighting COVID-19."]
    for text in texts:
        assert not [e for e in analyze(text, published="2022-10-01").events if e.plover.type == "ASSAULT"], text
    hit = analyze("Russian missiles hit a school in Kharkiv on Monday.", published="2022-10-04")
    assert [e.plover.type for e in hit.events] == ["ASSAULT"]


def test_figures_of_speech_prices_pundits_animals_and_names_are_no_attacks(analyze):
    """'tensions hit a boiling point', 'the field has exploded in recent years', 'a lengthy attack on Telegram', 'the
    price has shot up', 'pundits firing back at assertions', 'a stray monkey attacked people', 'war-drums beating',
    'Bradley Fighting Vehicles', 'launched on a carrier rocket': no blow struck; 'a car bomb exploded in the town'
    and 'troops attacked the town' are."""
    assert_no_attack_but_the_deed(analyze, (
        "The talks come a week after tensions hit a boiling point not seen in decades.",
        "The field has exploded in recent years to the point of being difficult to manage.",
        "The former president delivered the message in a lengthy attack on Telegram.",
        "The price of mustard has shot up by 10% in France.",
        "Many pundits were firing back at assertions that the government is not doing enough.",
        "A stray monkey attacked several people in the city on Wednesday.",
        "Anyone paying attention heard the sounds of the war-drums beating.",
        "Six Bradley Fighting Vehicles arrived at the base early Friday.",
        "Launched on the smallest carrier rocket of the family, the spacecraft reached orbit."),
        "A car bomb exploded in the town on Monday.", "2022-08-01")
    assert_no_attack_but_the_deed(analyze, (), "Troops attacked the town on Tuesday.", "2022-08-01")


def test_what_one_was_arrested_after_is_a_deed_of_its_own(analyze):
    """'was arrested after shooting a man': an arrest and a shooting, not an arrest alone."""
    result = analyze("The man was arrested on Friday after shooting two people at a bar.", published="2022-09-03")
    assert {e.plover.type for e in result.events} >= {"COERCE", "ASSAULT"}


def test_bombarded_with_images_is_no_bombardment(analyze):
    """'the world is bombarded with images of destruction': a figure of speech."""
    result = analyze("As the world is bombarded with images of the flood, aid groups appeal for help.",
                     published="2022-09-03")
    assert not [e for e in result.events if e.plover.type == "ASSAULT"]
