"""Happenings: one event per happening in a document, and one incident per happening across reports."""
from __future__ import annotations

import pytest

from fogofwar.ingest import RawDocument
from fogofwar.pipeline import extract
from fogofwar.store import Store

from .conftest import assert_no_attack_but_the_deed, span

STRIKE = ("A Russian missile struck a shopping mall in Kremenchuk on Monday, killing at least 11 people and "
          "wounding 23, regional officials said. Rescuers searched the rubble through the night. "
          "The strike destroyed the roof of the building. The attack drew condemnation from Kyiv's allies.")


def told_by(result, word, after=0):
    """The events of a result with a mention of this word (at or after a character offset)."""
    return [e for e in result.events if any(result.text[m.trigger.start:m.trigger.end].lower() == word
                                            and m.trigger.start >= after for m in e.mentions)]


def assaults(result):
    return [e for e in result.events if e.plover.type == "ASSAULT"]


def test_anaphoric_mentions_and_casualty_clauses_are_one_attack(analyze):
    """'struck ... killing ... wounding ... The strike ... The attack': one ASSAULT with every mention."""
    result = analyze(STRIKE, published="2022-06-28")
    (attack,) = assaults(result)
    words = [m.trigger.text for m in attack.mentions]
    assert "struck" in words and "strike" in words and "attack" in words
    assert "killing" in words and "wounding" in words  # properties of the attack, not attacks of their own
    assert [m.trigger.start for m in attack.mentions] == sorted(m.trigger.start for m in attack.mentions)
    assert result.places[attack.location.place].name.startswith("Kremenchu")
    assert attack.date.value == "2022-06-27" and attack.date.precision == 1
    assert "missile" in attack.means


def test_casualty_figures_are_parsed_as_the_report_gives_them(analyze):
    result = analyze(STRIKE, published="2022-06-28")
    (attack,) = assaults(result)
    killed, injured = attack.casualties["killed"], attack.casualties["injured"]
    assert (killed.min, killed.max) == (11, None)
    assert (injured.min, injured.max) == (23, 23)
    assert span(result, killed) == killed.text and "at least 11" in killed.text


@pytest.mark.parametrize("clause, low, high", [
    ("killing more than 20 people", 21, None),
    ("killing two civilians", 2, 2),
    ("killing dozens of people", None, None),
])
def test_casualty_counts_in_an_attack(analyze, clause, low, high):
    result = analyze(f"Russian artillery shelled the town of Izium on Sunday, {clause}, the governor said.",
                     published="2022-05-02")
    (attack,) = assaults(result)
    killed = attack.casualties["killed"]
    assert (killed.min, killed.max) == (low, high)
    assert killed.text in clause


def test_the_dateline_is_not_the_place_when_the_text_says_where(analyze):
    text = ("KYIV, Ukraine, June 28 - Russian missiles hit a shopping mall in Kremenchuk on Monday, "
            "officials said. Russia's defence ministry denied the attack.")
    result = analyze(text, published="2022-06-28")
    (attack,) = assaults(result)
    assert result.places[attack.location.place].name.startswith("Kremenchu")


def test_hypothetical_mentions_do_not_make_a_happening_certain(analyze):
    """A withdrawal Russia reports and Ukraine cannot confirm stays unconfirmed; 'would mark' asserts nothing."""
    text = ("Russia said its troops were withdrawing from Kherson on Thursday. Ukraine's army said it could not "
            "confirm that Russian forces were withdrawing. A full retreat from the city would mark a humiliating "
            "defeat for Moscow.")
    result = analyze(text, published="2022-11-10")
    retreats = [e for e in result.events if e.plover.type == "RETREAT"]
    assert len(retreats) == 1
    assert retreats[0].status in ("unconfirmed", "disputed") and retreats[0].factuality < 2.5
    assert len(retreats[0].mentions) >= 2


def test_a_hypothetical_alone_is_no_happening(analyze):
    result = analyze("A Russian retreat from Kherson would mark a humiliating defeat.", published="2022-11-10")
    assert not [e for e in result.events if e.plover.type == "RETREAT"]


def test_two_strikes_on_two_towns_in_one_sentence_stay_apart(analyze):
    result = analyze("Russian forces shelled Kharkiv and bombed Izium on Monday, the Ukrainian military said.",
                     published="2022-09-13")
    places = sorted(result.places[e.location.place].name for e in assaults(result))
    assert len(places) == 2 and places[0] != places[1]


def test_the_order_and_the_withdrawal_stay_apart(analyze):
    """The order of Wednesday and Thursday's withdrawal are two happenings (their dates conflict)."""
    text = ("Russian troops withdrew from Kherson on Thursday, the defence ministry said, "
            "a day after Moscow ordered a withdrawal.")
    result = analyze(text, published="2022-11-10")
    dates = sorted(e.date.value for e in result.events if e.plover.type == "RETREAT")
    assert dates == ["2022-11-09", "2022-11-10"]


REPORT_A = ("Russian missiles struck a shopping mall in Kremenchuk on Monday, killing at least 18 people, "
            "Ukrainian officials said. President Volodymyr Zelenskiy said more than 1,000 people were inside the "
            "Amstor mall in the Poltava region when it was hit.")
REPORT_B = ("At least 20 people were killed when a Russian missile hit the crowded Amstor shopping centre in the "
            "central Ukrainian city of Kremenchuk, the regional governor said on Tuesday. Rescuers searched the "
            "ruins of the Amstor centre overnight; Zelenskiy called the strike on Kremenchuk a terrorist act.")
OTHER_DAY = ("Russian artillery shelled Kremenchuk on Wednesday, the regional governor said; nobody was hurt "
             "at the oil refinery on the edge of the city.")
UNRELATED = ("Thousands of people rallied in Warsaw on Sunday to demand more help for refugees, police said.")


def ingest(path, settings, docs):
    with Store(path) as store:
        store.ingest(docs, lambda xs: extract(xs, settings), use_embeddings=False)
        return {(d, e): i for i, d, e in store.query(
            "SELECT incident_id, doc_id, event_id FROM incident_events")[1]}


def doc(doc_id, text, published, outlet):
    return RawDocument(id=doc_id, text=text, published=published, outlet=outlet)


def assault_incidents(links, path):
    with Store(path, read_only=True) as store:
        types = {(d, e): t for d, e, t in store.query("SELECT doc_id, event_id, plover_type FROM events")[1]}
    return {doc_id: {i for (d, e), i in links.items() if d == doc_id and types[(d, e)] == "ASSAULT"}
            for doc_id, _ in links}


def test_two_differently_worded_reports_of_one_strike_are_one_incident(tmp_path, settings):
    links = ingest(tmp_path / "s.duckdb", settings, [doc("a", REPORT_A, "2022-06-27", "Wire A"),
                                                     doc("b", REPORT_B, "2022-06-28", "Paper B")])
    by_doc = assault_incidents(links, tmp_path / "s.duckdb")
    assert by_doc["a"] & by_doc["b"]
    with Store(tmp_path / "s.duckdb", read_only=True) as store:
        (inc,) = [i for i in store.incidents(min_sources=2) if i["plover_type"] == "ASSAULT"]
    assert inc["independent_sources"] == 2
    killed = inc["casualties"]["killed"]
    assert (killed["min"], killed["max"], killed["open"], killed["reports"]) == (18, 20, True, 2)  # "at least" both


def test_a_strike_and_the_next_days_shelling_of_the_town_stay_apart(tmp_path, settings):
    links = ingest(tmp_path / "s.duckdb", settings, [doc("a", REPORT_A, "2022-06-27", "Wire A"),
                                                     doc("c", OTHER_DAY, "2022-06-29", "Paper C")])
    by_doc = assault_incidents(links, tmp_path / "s.duckdb")
    assert by_doc["a"] and by_doc["c"] and not by_doc["a"] & by_doc["c"]


def test_incident_ids_survive_reingest_rebuild_and_unrelated_documents(tmp_path, settings):
    path = tmp_path / "s.duckdb"
    docs = [doc("a", REPORT_A, "2022-06-27", "Wire A"), doc("b", REPORT_B, "2022-06-28", "Paper B")]
    first = ingest(path, settings, docs)
    assert ingest(path, settings, docs) == first
    with Store(path) as store:
        store.rebuild_incidents(use_embeddings=False)
        rebuilt = {(d, e): i for i, d, e in store.query("SELECT incident_id, doc_id, event_id FROM incident_events")[1]}
    assert rebuilt == first
    grown = ingest(path, settings, docs + [doc("d", UNRELATED, "2022-03-06", "Paper D")])
    assert {k: v for k, v in grown.items() if k[0] != "d"} == first


@pytest.mark.parametrize("text", [
    "Britain pledged on Monday to spend 3 per cent of GDP on defence by 2030, the prime minister said.",
    "NATO leaders agreed a 2030 target for defence spending at the summit in Madrid.",
    "Germany promised to deliver 30 tanks until 2027, the chancellor said.",
])
def test_a_deadline_year_is_not_an_event_date(analyze, text):
    result = analyze(text, published="2022-06-29")
    assert result.events
    assert all(not (e.date.value or "").startswith(("2027", "2030")) for e in result.events)


def test_a_running_state_is_an_event_but_no_incident(tmp_path, settings):
    """'have been shelling Kharkiv since March' is a habit, not one deed: kept in the document, no incident."""
    docs = [doc("h", "Russian forces have been shelling Kharkiv since March, officials said. Residents fled.",
                "2022-06-27", "Wire A"),
            doc("d", "Russian artillery shelled Kharkiv on Monday, killing two people, officials said.",
                "2022-06-27", "Paper B")]
    links = ingest(tmp_path / "s.duckdb", settings, docs)
    with Store(tmp_path / "s.duckdb", read_only=True) as store:
        habits = store.query("SELECT habitual FROM events WHERE doc_id = 'h' AND plover_type = 'ASSAULT'")[1]
    assert habits == [(True,)]
    assert {d for d, _ in links} == {"d"}


def test_a_campaign_noun_without_a_date_is_the_war_not_a_deed(analyze):
    """'the siege of Mariupol' and 'Russia's invasion' name the war a report is set in; with a date of their
    own ('the invasion on 24 February') they tell a deed."""
    result = analyze("The siege of Mariupol drew condemnation from aid groups. Russian forces shelled Kharkiv "
                     "on Monday. Officials recalled the invasion on 24 February.", published="2022-07-04")
    by_trigger = {e.trigger.text.lower(): e for e in result.events}
    assert by_trigger["siege"].habitual
    assert not by_trigger["shelled"].habitual
    assert "invasion" in by_trigger and not by_trigger["invasion"].habitual


def test_a_campaign_noun_takes_no_date_from_another_deed_of_its_sentence(analyze):
    """'lifted its objections on Wednesday, months after Russia's invasion': Wednesday is the lifting's day,
    and the invasion stays the war; 'launched an invasion on Thursday' dates the invasion."""
    result = analyze("Turkey lifted its objections to the deal on Wednesday, months after Russia's invasion of "
                     "Ukraine. Russia launched an invasion of Ukraine on Thursday, officials said.",
                     published="2022-06-29")
    second = result.text.index("Russia launched")
    backdrop = [e for e in told_by(result, "invasion") if e.trigger.start < second]
    assert backdrop and all(e.habitual for e in backdrop)
    launched = told_by(result, "launched") + told_by(result, "invasion", after=second)
    assert launched and not any(e.habitual for e in launched)


def test_who_holds_a_place_is_a_running_state(analyze):
    """'Russian-occupied Crimea' tells who holds it, not an occupation that happened that day."""
    result = analyze("Explosions rocked an ammunition depot in Russian-occupied Crimea on Tuesday.",
                     published="2022-08-16")
    occupied = [e for e in result.events if any(result.text[m.trigger.start:m.trigger.end].lower() == "occupied"
                                                for m in e.mentions)]
    assert occupied and all(e.habitual for e in occupied)
    assert any(not e.habitual for e in result.events if e.plover.type == "ASSAULT")


def test_a_deed_told_as_done_is_not_dated_after_its_report(analyze):
    """'agreed to cooperate on a launch around 2025' happened when reported; 2025 is the launch's. A plan
    keeps its later date."""
    result = analyze("Russia and China agreed to cooperate on the launch of a lunar mission around 2025, officials "
                     "said. Russia will withdraw from the station in 2025, the agency said.", published="2022-07-04")
    by_trigger = {e.trigger.text.lower(): e for e in result.events}
    agreed = by_trigger["agreed"]
    assert agreed.status not in ("future", "hypothetical")
    assert agreed.date.value == "2022-07-04" and agreed.date.text is None
    assert by_trigger["withdraw"].status == "future" and by_trigger["withdraw"].date.value == "2025"


def test_the_war_named_beside_a_strike_is_not_the_strike(analyze):
    result = analyze("A Russian missile struck a shopping mall in Kremenchuk on Monday, killing 18 people. The attack "
                     "came four months into Russia's invasion of Ukraine.", published="2022-06-28")
    strike = [e for e in result.events if any(m.trigger.text == "struck" for m in e.mentions)]
    assert len(strike) == 1
    assert "invasion" not in [m.trigger.text for m in strike[0].mentions]
    assert "attack" in [m.trigger.text for m in strike[0].mentions]


def test_a_toll_since_a_day_and_a_daily_habit_are_running_states(analyze):
    """'have been killed since the invasion began' and 'shelling our cities every day' tell no one deed."""
    result = analyze("Thousands of civilians have been killed since the invasion began, the United Nations said. "
                     "\"They are shelling our cities every day,\" the mayor said. "
                     "Russian artillery shelled Kharkiv on Monday, officials said.", published="2022-07-05")
    assert told_by(result, "killed") and all(e.habitual for e in told_by(result, "killed"))
    assert told_by(result, "shelling") and all(e.habitual for e in told_by(result, "shelling"))
    assert told_by(result, "shelled") and not any(e.habitual for e in told_by(result, "shelled"))


def test_a_deed_in_the_present_without_a_day_or_a_place_is_a_habit(analyze):
    """'The missile attacks its targets from above' and 'Russia is detaining her wrongfully' tell what is done
    all along; a headline in the present, a cry of the moment and a lead about a named victim tell one deed."""
    result = analyze("Police officer shoots man outside bar\n\n"
                     "The missile attacks armoured vehicles from above, the company says. "
                     "Officials say Russia is wrongfully detaining two citizens. "
                     "\"Somebody is shooting!\" a witness cried. "
                     "A police officer shoots and kills Sean Arlt outside the bar after he threatens officers.",
                     published="2022-07-05")
    assert told_by(result, "attacks") and all(e.habitual for e in told_by(result, "attacks"))
    assert told_by(result, "detaining") and all(e.habitual for e in told_by(result, "detaining"))
    assert told_by(result, "shooting") and not any(e.habitual for e in told_by(result, "shooting"))
    assert told_by(result, "kills") and not any(e.habitual for e in told_by(result, "kills"))


def test_a_place_under_attack_and_weeks_of_bombardment_are_states_and_an_effort_is_no_deed(analyze):
    """'still under attack', 'after weeks of bombardment': the state a place is in; 'in their efforts to take
    Kyiv': the taking has not happened."""
    result = analyze("The steel plant in Mariupol is still under attack after weeks of bombardment, officials said. "
                     "Russian forces forged ahead in their efforts to take Kyiv on Friday.", published="2022-05-11")
    assert told_by(result, "attack") and all(e.habitual for e in told_by(result, "attack"))
    assert told_by(result, "bombardment") and all(e.habitual for e in told_by(result, "bombardment"))
    assert told_by(result, "take") and all(e.status in ("future", "hypothetical") for e in told_by(result, "take"))


def test_a_potential_attack_and_a_fighting_force_are_no_deeds(analyze):
    """'poised for a potential attack' may yet be; 'a fighting force' is a kind of army."""
    result = analyze("NATO said Russia remained poised for a potential attack on Ukraine. "
                     "Its army is a fighting force, the minister said.", published="2022-02-15")
    assault = [e for e in result.events if e.plover.type == "ASSAULT"]
    assert all(e.status in ("hypothetical", "future") for e in assault)
    assert not any(result.text[m.trigger.start:m.trigger.end] == "fighting" for e in result.events for m in e.mentions)


def test_a_deed_noun_naming_a_kind_of_thing_is_no_happening(analyze):
    """'assault rifles', 'a carrier strike group', 'combat tourniquets': kinds of things, not deeds."""
    result = analyze("Soldiers carried assault rifles through the square on Monday. A carrier strike group arrived "
                     "in the Adriatic on Tuesday. The trucks carried combat tourniquets.", published="2022-03-02")
    assert not [e for e in result.events if e.plover.type == "ASSAULT"]


def test_a_mediation_effort_is_still_a_deed(analyze):
    result = analyze("Qatar's emir launched a mediation effort on Saturday between the two states.",
                     published="2022-03-05")
    assert [e for e in result.events if e.plover.type == "CONSULT"]


def test_a_participle_describing_a_noun_is_no_deed_unless_it_tells_the_aftermath(analyze):
    result = analyze("Seven more teams are previous beaten finalists. Some targeted industries made profits.",
                     published="2022-03-05")
    assert not [e for e in result.events if e.plover.type == "ASSAULT"]



def test_an_anaphor_naming_a_place_joins_the_deed_told_there(analyze):
    """"The strike on Kharkiv" points back past a later deed with no place to the strike told at Kharkiv."""
    text = ("Russian missiles struck Kharkiv on Monday. Belarusian troops attacked on Monday, the army said. "
            "The strike on Kharkiv on Monday killed three people.")
    result = analyze(text, published="2022-10-11")
    [struck] = [e for e in result.events if any(result.text[m.trigger.start:m.trigger.end] == "struck" for m in e.mentions)]
    assert "strike" in {result.text[m.trigger.start:m.trigger.end] for m in struck.mentions}


def test_a_definition_and_a_state_are_no_attacks(analyze):
    result = analyze("Article Five states that an attack on one country is an attack on all members. "
                     "A quarter of these units have now been rendered combat ineffective. "
                     "An attack on the town is under way, officials said.", published="2022-06-01")
    [event] = [e for e in result.events if e.plover.type == "ASSAULT"]
    assert result.text[event.trigger.start:event.trigger.end] == "attack"
    assert [result.text[r.start:r.end] for r in event.recipient] == ["the town"]


def test_a_deed_told_as_recurring_is_a_habit_and_a_past_day_of_it_is_not(analyze):
    habit = analyze("Ukrainian forces have repeatedly shelled the town of Shebekino.", published="2022-10-13")
    one_day = analyze("Ukrainian forces repeatedly shelled the town of Shebekino on Monday.", published="2022-10-13")
    assert [e.habitual for e in habit.events if e.plover.type == "ASSAULT"] == [True]
    assert [e.habitual for e in one_day.events if e.plover.type == "ASSAULT"] == [False]


def test_ground_taken_and_a_blast_in_one_town_and_day_are_two_happenings(analyze):
    """A recapture and an explosion at a depot: both ASSAULT, same town and day, but a different kind of deed."""
    result = analyze("Ukrainian forces recaptured suburbs of Kharkiv on Tuesday. An explosion hit an oil depot in "
                     "Kharkiv on Tuesday, and the blast set fuel tanks on fire.", published="2022-05-11")
    assert len(told_by(result, "recaptured")) == 1 and len(told_by(result, "hit")) == 1
    assert told_by(result, "recaptured") != told_by(result, "hit")


def test_mentions_of_one_strike_in_different_sentences_still_join_through_the_anaphor(analyze):
    """'Russian missiles struck Odesa ... The attack ...': the definite noun points back."""
    result = analyze("Russian missiles struck a port in Odesa on Saturday. Officials said grain was stored there. "
                     "The attack drew condemnation from the United Nations.", published="2022-07-24")
    assert told_by(result, "struck") == told_by(result, "attack")


def test_fighting_at_large_is_the_war_going_on_not_one_fight(analyze):
    """'as the fighting in Ukraine has worsened', 'an uphill battle': no side, no town, no day: no one fight;
    'heavy fighting in Bakhmut on Tuesday' and an anaphoric 'The fighting' after an attack stay deeds."""
    at_large = analyze("Biden has stepped up his rhetoric as the fighting in Ukraine has worsened. Aides say it "
                       "would be an uphill battle for the party.", published="2022-05-01")
    assert all(e.habitual for e in at_large.events if e.plover.type == "ASSAULT")
    one = analyze("Heavy fighting broke out in Bakhmut on Tuesday.", published="2022-05-04")
    assert [e.habitual for e in one.events if e.plover.type == "ASSAULT"] == [False]
    told = analyze("Russian troops attacked Izium on Monday. The fighting lasted hours.", published="2022-05-03")
    assert not any(e.habitual for e in told.events if e.plover.type == "ASSAULT")


def test_weeks_of_shelling_is_a_state_and_an_old_caption_is_its_own_day(analyze):
    """'devastated by weeks of shelling' (a gerund) is a running state; a caption's closing date ('in Sievierodonetsk,
    Luhansk region, Ukraine April 16, 2022') dates the damage it shows, weeks before the report: background."""
    result = analyze("The city of Mariupol has been devastated by weeks of shelling and is ringed by checkpoints.",
                     published="2022-04-11")
    assert told_by(result, "shelling") and all(e.habitual for e in told_by(result, "shelling"))
    result = analyze("A service member shows a kindergarten damaged by a military strike, as the war goes on, in "
                     "Sievierodonetsk, Luhansk region, Ukraine April 16, 2022.", published="2022-05-31")
    [damage] = told_by(result, "damaged")
    assert damage.date.value == "2022-04-16" and damage.background


def test_weeks_of_a_siege_are_a_running_state_and_hours_of_shelling_one_day(analyze):
    """'For weeks Russian troops have cut off supplies, bombarding its buildings': a siege going on; 'shelled the
    town for hours on Monday' is Monday's shelling."""
    result = analyze("For weeks Russian troops have cut off supplies into Mariupol, bombarding its buildings.",
                     published="2022-04-11")
    assert told_by(result, "bombarding") and all(e.habitual for e in told_by(result, "bombarding"))
    result = analyze("Russian troops shelled the town for hours on Monday.", published="2022-04-12")
    assert told_by(result, "shelled") and not any(e.habitual for e in told_by(result, "shelled"))


def test_what_a_weapon_or_force_is_able_to_do_is_no_deed(analyze):
    """'the frigate can perform long-range attacks', 'enough to bombard rear areas', 'the ability to strike down
    targets': capabilities, not deeds; 'launched an attack on Kharkiv on Monday' is one."""
    assert_no_attack_but_the_deed(analyze, (
        "The frigate can perform long-range attacks against surface targets and ships.",
        "Western artillery is enough to bombard Russian rear areas.",
        "The rockets have bolstered the Ukrainian military's ability to strike down Russian targets."),
        "Russian forces launched an attack on Kharkiv on Monday.", "2022-08-02")


def test_what_counts_as_an_attack_is_no_attack(analyze):
    """'will treat any attack on the regions as an attack on Russia', 'attacks on them constitute attacks on Russia',
    'an attack against one ally is considered an attack against all': a rule, not a deed; 'This was an attack on
    civilians' tells one."""
    for text in ("The president warned that his country will now treat any attack on the four provinces as an attack "
                 "on the homeland.",
                 "Officials might argue that attacks on those provinces now constitute attacks on the country itself.",
                 "Under the treaty an attack against one member is considered an attack against all."):
        assert not [e for e in analyze(text, published="2022-10-01").events if e.plover.type == "ASSAULT"], text
    result = analyze("Rebel gunmen attacked the village of Tarla on Sunday. This was an attack on civilians, the mayor said.",
                     published="2022-10-03")
    assert any(e.plover.type == "ASSAULT" for e in result.events)


def test_difficulties_storms_and_crashes_do_no_deed(analyze):
    """'faces challenges in taking cities' takes none; a grid 'beaten down by hurricanes' and the four a plane crash
    killed are no one's attack; 'gunmen killed four people' is one."""
    for text in ("The army faces formidable challenges in taking the country's larger cities.",
                 "The money is for the island's power grid, which has been beaten down by hurricanes and other storms.",
                 "A military jet crashed into an apartment building in the port on Monday, killing four people."):
        assert not [e for e in analyze(text, published="2022-10-18").events if e.plover.type in ("ASSAULT", "COERCE")], text
    result = analyze("Gunmen killed four people in the port on Monday.", published="2022-10-18")
    assert [e.plover.type for e in result.events] == ["ASSAULT"]


def test_a_deal_struck_is_no_strike(analyze):
    """'the deal struck with the rebels goes through': an agreement, not a blow."""
    result = analyze("The minister said it is essential that the deal struck with the rebels goes through.",
                     published="2022-05-10")
    assert not [e for e in result.events if e.plover.type == "ASSAULT"]


def test_a_war_now_in_its_hundredth_day_has_no_day_of_its_own(analyze):
    """'the invasion, which began in February, is now in its 103rd day' and efforts 'to resist the invasion' on a
    Monday are the war going on, a running state; 'launched an invasion on Thursday' is Thursday's deed."""
    for text in ("The invasion of Moldova, which began in February, is now in its 103rd day.",
                 "In other developments Monday, efforts to resist the invasion of Moldova loomed large over the summit."):
        events = [e for e in analyze(text, published="2022-06-06").events if e.plover.type == "ASSAULT"]
        assert events and all(e.habitual or e.background for e in events), text
    events = analyze("Rebel forces launched an invasion of Moldova on Thursday.", published="2022-06-06").events
    assert [e for e in events if e.plover.type == "ASSAULT" and not e.habitual and not e.background]


def test_what_a_weapon_is_designed_or_supposed_to_do_is_no_deed(analyze):
    """'is designed to destroy targets', 'is supposed to enable the military to strike': a weapon's purpose."""
    result = analyze("The missile is designed to destroy targets. It is also supposed to enable the army to "
                     "quickly strike a well-defended target on land.", published="2022-09-03")
    assert not [e for e in result.events if e.plover.type == "ASSAULT"]


def test_a_right_to_liberate_is_no_liberation(analyze):
    """'has the right to liberate occupied territories': what one may do, no deed."""
    result = analyze("The council said the government has the right to liberate occupied territories within its "
                     "borders.", published="2022-08-25")
    assert not [e for e in result.events if e.plover.type in ("ASSAULT", "COERCE", "RETREAT")]
