package io.leadscore.jobs.generate;

import io.leadscore.jobs.generate.TruthModel.Observables;
import io.leadscore.jobs.generate.Vocabulary.Budget;
import io.leadscore.jobs.generate.Vocabulary.EventType;
import io.leadscore.jobs.generate.Vocabulary.Seniority;
import io.leadscore.jobs.generate.Vocabulary.Source;
import io.leadscore.jobs.generate.Vocabulary.Status;
import io.leadscore.jobs.generate.Vocabulary.Timeline;

/**
 * One simulated lead, clean (before any trap): its attributes, its whole activity, its drawn
 * outcome and the status changes the sales team makes. Times are epoch seconds (UTC).
 */
public final class Lead {
  long index;
  String id;
  int createdDay;
  long createdAt;
  long observationAt;

  Source source;
  String campaign;
  Company company;
  Seniority seniority;
  String jobTitle;
  String firstName;
  String lastName;
  String email;
  String phone;
  boolean freeMail;
  boolean doNotEmail;
  boolean doNotCall;
  Budget budget;
  Timeline timeline;

  /** Events sorted by time (ties keep generation order). */
  long[] eventTimes;
  EventType[] eventTypes;
  int eventCount;

  Observables observables;
  double probability;
  boolean converted;
  /** Epoch second of the conversion, or -1. */
  long convertedAt = -1;
  /** Whether the sales team's status reveals this lead's outcome (the status leak). */
  boolean statusLeaks;

  /** Status changes sorted by time; the first is {@code New} at creation. */
  long[] statusTimes;
  Status[] statuses;
  int statusCount;

  /** CSV of the fields first_name..timeline (with the trailing comma), cached per lead. */
  String csvConstantFields;

  public long index() {
    return index;
  }

  public String id() {
    return id;
  }

  public long createdAt() {
    return createdAt;
  }

  public long observationAt() {
    return observationAt;
  }

  public double probability() {
    return probability;
  }

  public boolean converted() {
    return converted;
  }

  public long convertedAt() {
    return convertedAt;
  }

  public Observables observables() {
    return observables;
  }

  public Source source() {
    return source;
  }

  public int eventCount() {
    return eventCount;
  }

  public long eventTime(int i) {
    return eventTimes[i];
  }

  public EventType eventType(int i) {
    return eventTypes[i];
  }

  /** The status the lead has at {@code time} (New before any change). */
  Status statusAt(long time) {
    Status s = Status.NEW;
    for (int i = 0; i < statusCount && statusTimes[i] <= time; i++) {
      s = statuses[i];
    }
    return s;
  }

  /** The lead id written for a lead number: "L" and ten digits (index + 1). */
  public static String idOf(long index) {
    String digits = Long.toString(index + 1);
    return "L" + "0000000000".substring(Math.min(10, digits.length())) + digits;
  }
}
